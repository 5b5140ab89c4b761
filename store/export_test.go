package store

// ExecForTest runs SQL on the store's database, for the external test
// package's benchmarks that build SYNTHETIC stores in one statement.
func ExecForTest(s *SQLite, query string) error {
	_, err := s.db.Exec(query)
	return err
}
