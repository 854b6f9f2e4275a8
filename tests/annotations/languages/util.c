#include <stdio.h>
/* @threat Buffer_Overflow (#bof) [critical] cwe:CWE-120 */
// @exposes #parser to #bof
char c = '"'; // @audit #parser -- "char literal holding a quote"
