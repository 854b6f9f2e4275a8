// @flows #browser -> #checkout via HTTPS -- "card form"
const tpl = `
  // @exposes #checkout to #in-a-template-literal
`;
/* @owns payments-team for #checkout */
