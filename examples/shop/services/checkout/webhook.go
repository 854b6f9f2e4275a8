package checkout

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

const maxWebhookAge = 5 * time.Minute

// Webhook receives the PSP's payment events. The endpoint is public, so nothing in the body is
// believed before the signature is checked, and the order is then re-read from the PSP.
// @exposes #psp-webhook to #webhook-spoofing [critical] cwe:CWE-345 -- "anyone who knows the URL can post an event"
// @mitigates #psp-webhook against #webhook-spoofing using #webhook-signature-check
// @mitigates #psp-webhook against #webhook-replay using #webhook-signature-check -- "the signed timestamp must be under five minutes old"
func (s *Service) Webhook(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<10))
	if err != nil || !s.validSignature(r.Header.Get("Psp-Signature"), body, time.Now()) {
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	event, err := parseEvent(body)
	if err != nil {
		http.Error(w, "bad event", http.StatusBadRequest)
		return
	}
	if err := s.reconcile(r.Context(), event.PaymentID); err != nil {
		http.Error(w, "retry later", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// validSignature checks a header of the form `t=<unix seconds>,v1=<hex hmac>`, where the HMAC
// covers "<t>.<body>" under the webhook secret.
func (s *Service) validSignature(header string, body []byte, now time.Time) bool {
	var ts, sig string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	sent, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || now.Sub(time.Unix(sent, 0)).Abs() > maxWebhookAge {
		return false
	}
	mac := hmac.New(sha256.New, s.webhookSecret)
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	want, err := hex.DecodeString(sig)
	return err == nil && hmac.Equal(mac.Sum(nil), want)
}
