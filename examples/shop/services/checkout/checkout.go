// Package checkout turns a cart and a payment token into a paid order. It runs in the
// cardholder data environment and talks to the payment provider (PSP) with the secret API key.
package checkout

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"

	"acme.example/shop/services/catalog"
	"acme.example/shop/services/psp"
)

// @owns payments-team for #checkout-service
// @handles financial on #checkout-service -- "payment tokens, amounts and refund results"
// @flows #checkout-service -> #psp via https, API key auth -- "create payment, capture, refund"
// @flows #checkout-service -> #payments-db via postgres over TLS

// PlaceOrderRequest is everything the storefront may send. There are no prices in it: a
// request that carries `price` or `total` fields is rejected by DisallowUnknownFields.
type PlaceOrderRequest struct {
	CartID       string `json:"cartId"`
	PaymentToken string `json:"paymentToken"`
	CouponCode   string `json:"couponCode,omitempty"`
}

type Service struct {
	carts   CartStore
	catalog *catalog.Client
	psp     *psp.Client // built at start-up with the key from the secrets manager (infra/main.tf)
	log     *slog.Logger

	webhookSecret []byte
}

// PlaceOrder prices the cart again from the catalogue and charges that amount.
// @exposes #checkout-service to #price-tampering -- "the place-order request is built by the browser"
// @mitigates #checkout-service against #price-tampering using #server-side-pricing -- "lines and discounts are repriced from the catalogue"
func (s *Service) PlaceOrder(w http.ResponseWriter, r *http.Request) {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<10))
	dec.DisallowUnknownFields()
	var req PlaceOrderRequest
	if err := dec.Decode(&req); err != nil {
		http.Error(w, "invalid order", http.StatusBadRequest)
		return
	}
	cart, err := s.carts.Load(r.Context(), req.CartID)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	total, err := s.price(r.Context(), cart, req.CouponCode)
	if err != nil {
		http.Error(w, "the cart changed, please review it", http.StatusConflict)
		return
	}
	payment, err := s.psp.CreatePayment(r.Context(), psp.Payment{
		Amount: total, Currency: "EUR", Token: req.PaymentToken, OrderRef: cart.ID,
	})
	if err != nil {
		// Never log the PSP's raw error body: it can echo card details back.
		// @mitigates #checkout-service against #card-data-in-logs using #pan-redaction
		s.log.Warn("payment declined", "cart", cart.ID, "code", psp.ErrorCode(err))
		http.Error(w, "the payment was declined", http.StatusPaymentRequired)
		return
	}
	json.NewEncoder(w).Encode(map[string]string{"orderId": cart.ID, "payment": payment.ID})
}

// price sums catalogue prices in cents; the cart only holds product ids and quantities.
func (s *Service) price(ctx context.Context, cart Cart, coupon string) (int64, error) {
	var total int64
	for _, line := range cart.Lines {
		product, err := s.catalog.Product(ctx, line.ProductID)
		if err != nil {
			return 0, err
		}
		total += product.PriceCents * int64(line.Quantity)
	}
	discount, err := s.catalog.Discount(ctx, coupon, total)
	if err != nil {
		return 0, err
	}
	return total - discount, nil
}

// Refund is called by the back office with the order and the amount.
// @exposes #backoffice-refunds to #refund-no-audit -- "the request names the order, not the agent who asked for the refund"
func (s *Service) Refund(ctx context.Context, orderID string, cents int64) error {
	s.log.Info("refund", "order", orderID, "amount", cents)
	return s.psp.Refund(ctx, orderID, cents)
}
