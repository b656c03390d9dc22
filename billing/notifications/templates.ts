/**
 * Message templates: Handlebars files `views/notifications/{id,en}/{name}.hbs`, whose first line
 * is `Subject: …` and the rest the plain-text body; or a staff-edited row of `message_templates`
 * (template, locale, channel, subject, body), which wins when one exists. This module is the door
 * the rest of the code uses; each part lives in its own file:
 * - template-catalog.ts: the names, locales and params of each template, TemplateError;
 * - built-in-templates.ts: the files per language;
 * - template-overrides.ts: loading the staff-edited set;
 * - template-compile.ts / render-template.ts: compiling and rendering;
 * - template-source-check.ts, template-samples.ts: what the console's template editor needs.
 *
 * - Plain text: HTML escaping is off (`noEscape`), so `Rp 150.000 & PPN` stays as written.
 * - Params are data, never compiled: a customer name containing `{{payUrl}}` is printed as
 *   those characters. Only the template sources (our files, staff rows) are compiled, with the
 *   built-in helpers only (`if`, `unless`, `each`, `with`) and no prototype access.
 * - Params are strings the caller has already formatted (`formatRupiah`, a date in the ISP's time
 *   zone, the customer's locale): a template never formats money or dates itself.
 */
export { builtInTemplate, parseTemplateFile } from './built-in-templates.js';
export { renderSource, renderTemplate, validateTemplateSource } from './render-template.js';
export {
  isTemplateName, LOCALES, OPTIONAL_PARAMS, REQUIRED_PARAMS, TEMPLATE_NAMES, TemplateError, templatePlaceholders,
  type RenderedMessage, type TemplateName, type TemplateOverrides,
} from './template-catalog.js';
export { loadTemplateOverrides, loadTemplateOverrideSet, TEMPLATE_CHANNELS, type TemplateChannel, type TemplateOverrideSet } from './template-overrides.js';
export { sampleParams } from './template-samples.js';
export { checkTemplateSource, type SourceProblem } from './template-source-check.js';
