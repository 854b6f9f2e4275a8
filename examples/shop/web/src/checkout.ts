// Checkout page of the storefront. Card details never reach our servers: the PSP's hosted
// fields run in their own iframe and hand us a single-use token, and the place-order request
// carries only the cart id and that token. The checkout service prices the cart itself.

import { loadHostedFields, type HostedFields } from "@acme/psp-hosted-fields";
import { track } from "./analytics";

// @flows #customer -> #psp via https (hosted fields iframe) -- "PAN, expiry and CVC go straight to the PSP"
// @flows #web-frontend -> #checkout-service via https (mTLS) -- "cart id and payment token only"

const PSP_PUBLISHABLE_KEY = process.env.NEXT_PUBLIC_PSP_KEY ?? "";

export interface PlaceOrderResult {
  orderId: string;
  payment: string;
}

export async function mountCardForm(container: HTMLElement): Promise<HostedFields> {
  const fields = await loadHostedFields(PSP_PUBLISHABLE_KEY, { locale: document.documentElement.lang });
  fields.mount(container, { fields: ["number", "expiry", "cvc"], style: { base: { fontSize: "16px" } } });
  return fields;
}

// The request body is built here, in the browser, so the checkout service trusts none of it
// but the ids (see services/checkout/checkout.go).
// @exposes #frontend-to-checkout to #price-tampering -- "anyone can edit this request in the dev tools"
export async function placeOrder(cartId: string, fields: HostedFields, couponCode?: string): Promise<PlaceOrderResult> {
  const { token } = await fields.tokenize();
  const response = await fetch("/api/checkout/orders", {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ cartId, paymentToken: token, couponCode }),
  });
  if (response.status === 409) {
    throw new CartChangedError();
  }
  if (!response.ok) {
    throw new Error(`checkout failed with ${response.status}`);
  }
  const result: PlaceOrderResult = await response.json();
  reportPurchase(result.orderId);
  return result;
}

// @exposes #web-frontend to #cross-site-tracking -- "the purchase event carries the hashed e-mail"
// @accepts #cross-site-tracking on #web-frontend -- "by l.berg until 2027-06-30: the vendor is under a DPA and the tag loads only after consent; server-side tagging replaces it in Q2"
function reportPurchase(orderId: string): void {
  track("purchase", { orderId, currency: "EUR" });
}

export class CartChangedError extends Error {
  constructor() {
    super("prices or stock changed since the cart was loaded; review the cart and try again");
  }
}
