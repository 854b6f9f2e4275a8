/* an unterminated block comment
 * @asset Inside.Open.Block (#open-block)
 * and the file ends
