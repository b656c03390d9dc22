/**
 * The Snap transaction request (`POST /snap/v1/transactions`, docs.midtrans.com/reference/backend-integration;
 * body: docs.midtrans.com/reference/request-body-json-parameter) for one invoice.
 */
import type { Json } from './gateway-failure.js';
import type { CreatePaymentInput } from './payment-gateway.js';

/** `YYYY-MM-DD HH:mm:ss +0700`, the `expiry.start_time` format, in WIB. */
function snapTime(d: Date): string {
  return `${new Date(d.getTime() + 7 * 3600_000).toISOString().slice(0, 19).replace('T', ' ')} +0700`;
}

/** `s` cut to `max` characters (Midtrans' field limits). */
export const clip = (s: string, max: number): string => (s.length > max ? s.slice(0, max) : s);

/**
 * The Snap body for `input`: `transaction_details { order_id, gross_amount }`, one `item_details`
 * line for the invoice (id and name clipped to Midtrans' 50 characters), `customer_details`,
 * `callbacks.finish` = returnUrl, `expiry` in minutes from `now`.
 * @throws RangeError for an order id Midtrans refuses (over 50 characters, or characters other
 *   than letters, digits, `-_.~`) or an amount that is not a positive integer.
 */
export function snapTransactionBody(input: CreatePaymentInput, now: Date): Json {
  if (!/^[A-Za-z0-9\-_.~]{1,50}$/.test(input.orderId)) {
    throw new RangeError(`midtrans: order id ${JSON.stringify(input.orderId)} is not accepted by Midtrans`);
  }
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0) {
    throw new RangeError(`midtrans: amount ${input.amount} is not a positive integer of rupiah`);
  }
  const customer: Json = { first_name: clip(input.customer.name, 255) };
  if (input.customer.email) customer.email = input.customer.email;
  if (input.customer.phone) customer.phone = input.customer.phone;
  const body: Json = {
    transaction_details: { order_id: input.orderId, gross_amount: input.amount },
    item_details: [
      {
        id: clip(input.invoiceNumber, 50),
        price: input.amount,
        quantity: 1,
        name: clip(input.description || input.invoiceNumber, 50),
      },
    ],
    customer_details: customer,
  };
  if (input.returnUrl) body.callbacks = { finish: input.returnUrl };
  if (input.expiresInMinutes) {
    // Without start_time Snap counts from when the customer picks a method, not from now.
    body.expiry = { start_time: snapTime(now), unit: 'minutes', duration: input.expiresInMinutes };
  }
  return body;
}
