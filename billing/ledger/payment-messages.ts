/** The messages a settled payment sends: "payment received", and "back online" per reactivated subscription. */
import type { CustomerMessage } from '../notifications/notifier.js';
import type { StatusChange } from '../subscriptions/status/change-status.js';

export function paymentMessages(customerId: number, paymentId: number, amount: number, reactivated: StatusChange[], invoiceNumber?: string | null): CustomerMessage[] {
  return [
    { customerId, template: 'payment_received', idempotencyKey: `payment_received:${paymentId}`, data: { amount, ...(invoiceNumber ? { invoiceNumber } : {}) } },
    ...reactivated.map((r) => ({
      customerId,
      template: 'reactivated' as const,
      idempotencyKey: `reactivated:${r.id}:v${r.version}`,
      data: {},
    })),
  ];
}
