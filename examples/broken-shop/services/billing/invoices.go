// Package billing serves customers' invoices from the shop API: the invoice list on the
// account page and the PDF download behind GET /api/invoices/{id}.
package billing

import (
	"database/sql"
	"errors"
	"io"
	"log/slog"
	"net/http"

	"github.com/google/uuid"

	"acme.example/shop/services/session"
)

// @owns shop-platform-team for #shop-api
// @handles pii on #shop-api -- "invoices carry the billing name and address"
// @handles financial on #shop-api -- "amounts, VAT and payment method of every order"
// @flows #shop-api -> #customer-db via postgres over TLS -- "invoice metadata; the PDFs live in object storage"

type Handler struct {
	db    *sql.DB
	pdfs  PDFStore
	audit *slog.Logger // JSON handler on stdout, shipped by Fluent Bit
}

// NewHandler logs through a JSON handler: every attribute is a JSON string, so a newline in a
// customer-controlled value cannot start a new log record.
// broken: the `@mitigates ... using #structured-logging` that stood here was deleted, so nothing
// in code backs that mitigation any more (unbacked-mitigation, reported in threatmodel.yaml)
func NewHandler(db *sql.DB, pdfs PDFStore, logs io.Writer) *Handler {
	return &Handler{db: db, pdfs: pdfs, audit: slog.New(slog.NewJSONHandler(logs, nil))}
}

// Download streams one invoice PDF. The id in the path is chosen by the caller, so the query
// must never trust it on its own.
// @exposes #shop-api to #invoice-idor -- "the invoice id comes straight from the URL"
// broken: a typo in the threat's id (unknown-reference)
// @mitigates #shop-api against #invoice-idr using #owner-scoped-queries -- "the customer id comes from the session, ids are random UUIDs"
func (h *Handler) Download(w http.ResponseWriter, r *http.Request) {
	customer, ok := session.CustomerID(r.Context())
	if !ok {
		http.Error(w, "sign in to download invoices", http.StatusUnauthorized)
		return
	}
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	var key string
	err = h.db.QueryRowContext(r.Context(),
		`SELECT pdf_key FROM invoices WHERE id = $1 AND customer_id = $2`, id, customer,
	).Scan(&key)
	if errors.Is(err, sql.ErrNoRows) {
		// Someone else's invoice looks exactly like one that does not exist.
		http.NotFound(w, r)
		return
	}
	if err != nil {
		h.audit.Error("invoice lookup failed", "invoice", id.String(), "err", err)
		http.Error(w, "try again later", http.StatusInternalServerError)
		return
	}
	h.audit.Info("invoice downloaded", "invoice", id.String(), "customer", customer,
		"user_agent", r.UserAgent())
	// broken: the threat is missing (malformed-annotation)
	// @exposes #shop-api to
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Cache-Control", "private, no-store")
	if err := h.pdfs.Copy(r.Context(), w, key); err != nil {
		h.audit.Error("invoice pdf missing", "invoice", id.String(), "key", key)
	}
}
