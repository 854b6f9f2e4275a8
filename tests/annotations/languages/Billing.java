/**
 * Billing endpoint.
 * @param id the invoice id
 * @exposes #billing-api to #idor [P1] cwe:CWE-639 -- "invoice ids are sequential"
 */
@Override // @Override is code, not an annotation
public class Billing {}
