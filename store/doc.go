// Package store persists the blocks, epochs and prices hashfall measures
// from, behind the small Store interface so that backends other than the
// embedded SQLite one (PostgreSQL, say) can be added.
//
// The SQLite backend uses modernc.org/sqlite (pure Go, no cgo) in WAL mode.
// Its schema is versioned through PRAGMA user_version and migrated forward
// when the one writer (OpenSQLite: sync and import) opens it, after PRAGMA
// quick_check. Readers open it with OpenReadOnly, which never creates,
// migrates or writes the file, and get the Reader interface. Every write is one transaction: a batch of blocks either lands
// whole, together with the rollback of any blocks it replaces, or not at
// all, which is what makes Sync safe to kill at any instant.
//
// Sync follows a chain.Source into a Store. It finds the fork point
// between the stored chain and the source's best chain by comparing
// hashes, rolls the store back to it and applies the source's blocks in
// batches, checking that each block's prev-hash is the hash of the block
// below it.
package store
