package billing

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"acme.example/shop/services/session"
)

// Two customers, one invoice each: neither may read the other's.
// @validates #owner-scoped-queries for #shop-api -- "another customer's invoice id answers 404, like an unknown one"
func TestDownloadIsScopedToTheSignedInCustomer(t *testing.T) {
	h, fixtures := newTestHandler(t)
	alice, bob := fixtures.Customer("alice"), fixtures.Customer("bob")
	invoice := fixtures.Invoice(bob)

	for _, tc := range []struct {
		name     string
		customer string
		want     int
	}{
		{"owner", bob, http.StatusOK},
		{"other customer", alice, http.StatusNotFound},
		{"signed out", "", http.StatusUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/api/invoices/"+invoice.String(), nil)
			req.SetPathValue("id", invoice.String())
			if tc.customer != "" {
				req = req.WithContext(session.WithCustomerID(req.Context(), tc.customer))
			}
			rec := httptest.NewRecorder()
			h.Download(rec, req)
			if rec.Code != tc.want {
				t.Fatalf("status %d, want %d", rec.Code, tc.want)
			}
		})
	}
}
