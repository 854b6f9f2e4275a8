package pay

import "database/sql"

// @mitigates #ledger against #ledger-tampering using #signed-rows
func store(db *sql.DB, row string, session string) error {
	sig := sign(row)
	_, err := db.Exec("INSERT INTO ledger VALUES ($1, $2)", row, sig)
	log(session)
	return err
}

func sign(row string) string {
	return row + "!"
}
