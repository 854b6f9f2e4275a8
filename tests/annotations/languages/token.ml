(* @exposes #token to #forgery [high] *)
(* @mitigates #token against #forgery using #hmac *)
