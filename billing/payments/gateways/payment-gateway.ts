/**
 * One interface for online payment gateways: Midtrans, Xendit, Tripay and Duitku, one file each.
 * Money is integer rupiah. A gateway never touches the database: billing stores what it returns.
 *
 * The flow (ARCHITECTURE.md, "Payment flow"): createPayment → the customer pays on the gateway's page → the gateway
 * POSTs a notification → verifyNotification (signature, raw body) → stored in the inbox →
 * a worker asks fetchStatus for the authoritative state → billing records the payment.
 */

export type Provider = 'midtrans' | 'xendit' | 'tripay' | 'duitku';

export interface CreatePaymentInput {
  /** Our order id, unique per attempt (Midtrans accepts an order_id once): `INV-2026-11-000123-2`. */
  orderId: string;
  /** Rupiah, a positive integer. */
  amount: number;
  invoiceNumber: string;
  description: string;
  customer: { name: string; email?: string | null; phone?: string | null };
  /** Where the gateway sends the customer after paying. */
  returnUrl?: string;
  /** Link lifetime, minutes (default: the gateway's). */
  expiresInMinutes?: number;
}

export interface PaymentLink {
  orderId: string;
  /** The page the customer pays on (Midtrans Snap redirect_url, Xendit invoice_url, Tripay checkout_url, Duitku paymentUrl). */
  url: string;
  /** The gateway's own id for it (Snap token, Xendit invoice id), kept for status queries. */
  reference: string | null;
}

export type GatewayStatus = 'pending' | 'settled' | 'failed' | 'expired' | 'refunded';

export interface ConfirmedStatus {
  orderId: string;
  status: GatewayStatus;
  /** Rupiah the gateway says was (or is to be) paid. */
  amount: number;
  /** e.g. `qris`, `bank_transfer`, `gopay`, `BCA`. */
  paymentType: string | null;
  /** The gateway's transaction / invoice id. */
  reference: string | null;
}

export interface VerifiedNotification {
  /** Identity of this event: a duplicate delivery has the same key (the inbox is unique on it). */
  eventKey: string;
  orderId: string;
  /** The gateway's reference when the notification carries it (Xendit invoice id). */
  reference: string | null;
  /**
   * The notification says the order is paid. When the status API still says pending (the gateway
   * lagging behind its own notification), the event is retried rather than closed.
   */
  claimsPaid: boolean;
  payload: unknown;
}

export interface PaymentGateway {
  readonly provider: Provider;
  /** @throws Error when the gateway refuses or cannot be reached (the caller shows a retry). */
  createPayment(input: CreatePaymentInput): Promise<PaymentLink>;
  /**
   * Verifies a notification from its raw body and headers (timing-safe), without network.
   * Returns null for a forged, malformed or wrongly signed one.
   */
  verifyNotification(rawBody: Buffer, headers: Record<string, string | string[] | undefined>): VerifiedNotification | null;
  /**
   * The authoritative status from the gateway's status API; null when the gateway does not know
   * the order. @throws Error when the gateway cannot be reached or answers 5xx (retry later).
   */
  fetchStatus(orderId: string, reference: string | null): Promise<ConfirmedStatus | null>;
}
