/// @handles pii on #session -- "email and name"
