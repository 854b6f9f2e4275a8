// @asset Crlf.One (#crlf-one)
// @threat Crlf_Two (#crlf-two)
// -- "continued"
// @asset Lone.Cr (#lone-cr)// @asset After.Cr (#after-cr) -- "café 😀"
// @asset Bad.Utf8 (#bad-utf8) -- "caf�"
