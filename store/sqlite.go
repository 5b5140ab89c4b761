package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/btcsuite/btcd/chainhash/v2"
	"modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/hashfall/hashfall/chain"
)

// migrations[i] moves the schema from version i to i+1. Append only.
var migrations = []string{
	`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
	CREATE TABLE blocks (
		height INTEGER PRIMARY KEY,
		hash BLOB NOT NULL UNIQUE,
		prev_hash BLOB NOT NULL,
		time_s INTEGER NOT NULL,
		bits INTEGER NOT NULL,
		version INTEGER NOT NULL,
		chainwork BLOB NOT NULL,
		coinbase_out_sat INTEGER NOT NULL,
		fees_sat INTEGER NOT NULL,
		tx_count INTEGER NOT NULL,
		size_bytes INTEGER NOT NULL,
		weight_wu INTEGER NOT NULL,
		coinbase_script BLOB NOT NULL,
		payout_addrs TEXT NOT NULL
	);
	CREATE TABLE epochs (idx INTEGER PRIMARY KEY, last_hash BLOB NOT NULL, next_target BLOB NOT NULL);
	CREATE TABLE prices (day INTEGER PRIMARY KEY, close_usd REAL NOT NULL);`,
	`CREATE TABLE header_checkpoints (height INTEGER PRIMARY KEY, chainwork BLOB NOT NULL, header BLOB NOT NULL);`,
	fmt.Sprintf(`PRAGMA application_id = %d`, applicationID),
}

// applicationID is PRAGMA application_id of a hashfall store, "HSHF": it
// tells a hashfall store from any other SQLite file. Stores of schema
// versions 1 and 2 predate it and carry 0.
const applicationID = 0x48534846

// SQLite result codes (https://www.sqlite.org/rescode.html) that OpenReadOnly
// and the identity check tell apart.
const (
	sqliteReadOnly = 8
	sqliteCantOpen = 14
	sqliteNotADB   = 26
)

// writerKeyPrefix starts the meta key a writer holds while the store is
// open for writing ("writer:PID@HOST"); Close deletes it. A key left behind
// by a process that no longer runs marks an unclean shutdown.
const writerKeyPrefix = "writer:"

// SQLite is the embedded Store. Opened by OpenSQLite it reads and writes;
// opened by OpenReadOnly it only reads and is returned as a Reader.
type SQLite struct {
	db        *sql.DB
	path      string
	writerKey string // this process's meta marker; "" for a reader
}

// OpenSQLite opens the store at path for writing, as sync and import do:
// it creates the file if absent, refuses a SQLite file that is not a
// hashfall store, runs PRAGMA quick_check (so a corrupted store fails at
// the start of a sync, naming the file and how to recover) and migrates
// the schema to the current version. Readers use OpenReadOnly.
func OpenSQLite(path string) (*SQLite, error) {
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	s := &SQLite{db: db, path: path}
	if err := s.openWriter(); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

func (s *SQLite) openWriter() error {
	id, err := s.identify()
	if err != nil {
		return err
	}
	if id.foreign {
		return fmt.Errorf("%s is not a hashfall store (a SQLite file with other tables): give --db a new or hashfall file", s.path)
	}
	if id.version > len(migrations) {
		return fmt.Errorf("store %s has schema version %d, newer than this hashfall (%d): upgrade hashfall", s.path, id.version, len(migrations))
	}
	if err := s.quickCheck(); err != nil {
		return err
	}
	if err := s.migrate(); err != nil {
		return fmt.Errorf("open %s: %w", s.path, err)
	}
	host, _ := os.Hostname()
	s.writerKey = fmt.Sprintf("%s%d@%s", writerKeyPrefix, os.Getpid(), host)
	// quick_check has just passed: the markers of writers that died are
	// settled.
	stale, err := s.staleWriters()
	if err != nil {
		return fmt.Errorf("open %s: %w", s.path, err)
	}
	tx, err := s.db.Begin()
	if err != nil {
		return fmt.Errorf("open %s: %w", s.path, err)
	}
	defer tx.Rollback()
	for _, k := range stale {
		if _, err := tx.Exec(`DELETE FROM meta WHERE key = ?`, k); err != nil {
			return fmt.Errorf("open %s: %w", s.path, err)
		}
	}
	if _, err := tx.Exec(`INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
		s.writerKey, time.Now().UTC().Format(time.RFC3339)); err != nil {
		return fmt.Errorf("open %s: %w", s.path, err)
	}
	return tx.Commit()
}

// migrate moves the schema forward to the current version, one
// transaction per step.
func (s *SQLite) migrate() error {
	var v int
	if err := s.db.QueryRow(`PRAGMA user_version`).Scan(&v); err != nil {
		return err
	}
	for ; v < len(migrations); v++ {
		tx, err := s.db.Begin()
		if err != nil {
			return err
		}
		if _, err := tx.Exec(migrations[v]); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %d: %w", v+1, err)
		}
		if _, err := tx.Exec(fmt.Sprintf(`PRAGMA user_version = %d`, v+1)); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

// OpenReadOnly opens an existing store for reading only, as every command
// but sync and import does, and as serve's readers do beside its one
// writer. It never creates, migrates or writes the file: SQLite opens it
// with mode=ro, and, where that cannot open it (a WAL store whose -shm file
// cannot be made, as in a read-only directory, where no writer can be
// changing it either), with immutable=1, unless a non-empty -wal file holds
// changes the file alone lacks. In a writable directory mode=ro may leave
// SQLite's -shm/-wal side files; the store file itself is never written.
// It refuses a missing file, an empty file, a file that is not a hashfall
// store and a store of an older schema (run hashfall sync to upgrade). If
// a writer left the store without closing it (a crash, kill -9), it runs
// PRAGMA quick_check first.
func OpenReadOnly(path string) (Reader, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("no store at %s: run hashfall sync --db %s first", path, path)
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("%s is a directory, not a store file", path)
	}
	if fi.Size() == 0 {
		return nil, fmt.Errorf("%s is an empty file, not a hashfall store: run hashfall sync --db %s to create one", path, path)
	}
	s, err := openReadOnly(path, false)
	if code := sqliteCode(err); code == sqliteCantOpen || code == sqliteReadOnly {
		// mode=ro on a WAL store still needs its -shm file, which a
		// read-only directory cannot hold. Without a -wal of committed
		// but uncheckpointed pages the file alone is the whole store.
		if wal, werr := os.Stat(path + "-wal"); werr == nil && wal.Size() > 0 {
			return nil, fmt.Errorf("store %s: %w; its -wal file holds changes a read-only open cannot see: run hashfall sync as its owner once to fold them in", path, err)
		}
		s, err = openReadOnly(path, true)
	}
	if err != nil {
		return nil, err
	}
	return readOnly{s}, nil
}

// readOnly hides the write methods of a store opened by OpenReadOnly.
type readOnly struct{ Reader }

func openReadOnly(path string, immutable bool) (*SQLite, error) {
	q := url.Values{}
	q.Set("mode", "ro")
	if immutable {
		q.Set("immutable", "1")
	}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "query_only(1)")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	s := &SQLite{db: db, path: path}
	if err := s.checkReadable(); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

func (s *SQLite) checkReadable() error {
	id, err := s.identify()
	if err != nil {
		return err
	}
	switch {
	case id.foreign:
		return fmt.Errorf("%s is not a hashfall store (a SQLite file with other tables)", s.path)
	case id.version == 0:
		return fmt.Errorf("%s is an empty SQLite file, not a hashfall store: run hashfall sync --db %s to create one", s.path, s.path)
	case id.version < len(migrations):
		return fmt.Errorf("store %s has schema version %d, this hashfall reads version %d: run hashfall sync --db %s to upgrade it", s.path, id.version, len(migrations), s.path)
	case id.version > len(migrations):
		return fmt.Errorf("store %s has schema version %d, newer than this hashfall (%d): upgrade hashfall", s.path, id.version, len(migrations))
	}
	stale, err := s.staleWriters()
	if err != nil {
		return fmt.Errorf("open %s: %w", s.path, err)
	}
	if len(stale) > 0 {
		return s.quickCheck()
	}
	return nil
}

// identity is what the first page says about a SQLite file.
type identity struct {
	version int  // PRAGMA user_version: the schema version, 0 for none
	foreign bool // a SQLite file of some other program
}

func (s *SQLite) identify() (identity, error) {
	var id identity
	var app, tables int
	err := s.db.QueryRow(`PRAGMA user_version`).Scan(&id.version)
	if err == nil {
		err = s.db.QueryRow(`PRAGMA application_id`).Scan(&app)
	}
	if err == nil {
		err = s.db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('meta', 'blocks')`).Scan(&tables)
	}
	if err != nil {
		if sqliteCode(err) == sqliteNotADB {
			return id, fmt.Errorf("%s is not a hashfall store: %w", s.path, err)
		}
		return id, fmt.Errorf("open %s: %w", s.path, err)
	}
	var any int
	if err := s.db.QueryRow(`SELECT count(*) FROM sqlite_master`).Scan(&any); err != nil {
		return id, fmt.Errorf("open %s: %w", s.path, err)
	}
	id.foreign = (app != 0 && app != applicationID) ||
		(id.version == 0 && any > 0) ||
		(id.version > 0 && tables != 2)
	return id, nil
}

// quickCheck runs PRAGMA quick_check (every page's b-tree structure, record
// format and NOT NULL constraints; not index contents) and turns anything
// but "ok" into an error that names the file and how to recover.
func (s *SQLite) quickCheck() error {
	rows, err := s.db.Query(`PRAGMA quick_check(5)`)
	if err == nil {
		var problems []string
		for rows.Next() {
			var line string
			if err = rows.Scan(&line); err != nil {
				break
			}
			problems = append(problems, line)
		}
		if err == nil {
			err = rows.Err()
		}
		rows.Close()
		if err == nil && len(problems) == 1 && problems[0] == "ok" {
			return nil
		}
		if err == nil {
			err = errors.New(strings.Join(problems, "; "))
		}
	}
	return fmt.Errorf("store %s is corrupt (quick_check: %v): move it aside and rebuild it with hashfall sync --db %s (then re-import prices and checkpoints), or restore it from a backup", s.path, err, s.path)
}

// staleWriters returns the meta keys of writers that opened the store and
// no longer run on this host: the marks of an unclean shutdown. A writer
// on another host counts as running, since this host cannot tell.
func (s *SQLite) staleWriters() ([]string, error) {
	rows, err := s.db.Query(`SELECT key FROM meta WHERE key LIKE ?`, writerKeyPrefix+"%")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	host, _ := os.Hostname()
	var stale []string
	for rows.Next() {
		var key string
		if err := rows.Scan(&key); err != nil {
			return nil, err
		}
		pidText, keyHost, _ := strings.Cut(strings.TrimPrefix(key, writerKeyPrefix), "@")
		pid, err := strconv.Atoi(pidText)
		if err != nil || (keyHost == host && !processRuns(pid)) {
			stale = append(stale, key)
		}
	}
	return stale, rows.Err()
}

// processRuns reports whether a process with this id exists on this host.
// Signal 0 checks without signalling; EPERM means it exists as another user.
func processRuns(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, syscall.EPERM)
}

// sqliteCode returns the primary SQLite result code of err, or 0.
func sqliteCode(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() & 0xff
	}
	return 0
}

// Close implements Store. A writer deletes its open-for-writing marker
// first, so that the close is known to be clean.
func (s *SQLite) Close() error {
	if s.writerKey != "" {
		s.db.Exec(`DELETE FROM meta WHERE key = ?`, s.writerKey)
	}
	return s.db.Close()
}

// Network implements Store.
func (s *SQLite) Network(ctx context.Context) (string, error) {
	var name string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'network'`).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return name, err
}

const blockCols = `height, hash, prev_hash, time_s, bits, version, chainwork, coinbase_out_sat, fees_sat, tx_count, size_bytes, weight_wu, coinbase_script, payout_addrs`

func scanBlock(sc interface{ Scan(...any) error }) (chain.Block, error) {
	var b chain.Block
	var hash, prev, work, script []byte
	var addrs string
	var bits int64
	if err := sc.Scan(&b.Height, &hash, &prev, &b.TimeS, &bits, &b.Version, &work, &b.CoinbaseOutSat, &b.FeesSat, &b.TxCount, &b.SizeBytes, &b.WeightWU, &script, &addrs); err != nil {
		return b, err
	}
	if len(hash) != chainhash.HashSize || len(prev) != chainhash.HashSize {
		return b, fmt.Errorf("block %d: stored hash has %d bytes", b.Height, len(hash))
	}
	copy(b.Hash[:], hash)
	copy(b.PrevHash[:], prev)
	b.Bits = uint32(bits)
	b.ChainWork = new(big.Int).SetBytes(work)
	b.CoinbaseScriptSig = script
	if addrs != "" {
		b.PayoutAddrs = strings.Split(addrs, " ")
	}
	return b, nil
}

// Tip implements Store.
func (s *SQLite) Tip(ctx context.Context) (chain.Block, error) {
	b, err := scanBlock(s.db.QueryRowContext(ctx, `SELECT `+blockCols+` FROM blocks ORDER BY height DESC LIMIT 1`))
	if errors.Is(err, sql.ErrNoRows) {
		return b, ErrEmpty
	}
	return b, err
}

// HashAt implements Store.
func (s *SQLite) HashAt(ctx context.Context, height int64) (chainhash.Hash, error) {
	var h chainhash.Hash
	var raw []byte
	err := s.db.QueryRowContext(ctx, `SELECT hash FROM blocks WHERE height = ?`, height).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return h, fmt.Errorf("height %d: %w", height, chain.ErrNotFound)
	}
	if err != nil {
		return h, err
	}
	copy(h[:], raw)
	return h, nil
}

// Blocks implements Store.
func (s *SQLite) Blocks(ctx context.Context, from, to int64) ([]chain.Block, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+blockCols+` FROM blocks WHERE height BETWEEN ? AND ? ORDER BY height`, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]chain.Block, 0, max(0, min(to-from+1, 1<<16)))
	for rows.Next() {
		b, err := scanBlock(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// Apply implements Store.
func (s *SQLite) Apply(ctx context.Context, network string, keepThrough int64, blocks []chain.Block) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES('network', ?) ON CONFLICT(key) DO NOTHING`, network); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM blocks WHERE height > ?`, keepThrough); err != nil {
		return err
	}
	st, err := tx.PrepareContext(ctx, `INSERT INTO blocks(`+blockCols+`) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)`)
	if err != nil {
		return err
	}
	defer st.Close()
	for i := range blocks {
		b := &blocks[i]
		if b.Height != keepThrough+1+int64(i) {
			return fmt.Errorf("block %s at height %d does not continue the store at %d", b.Hash, b.Height, keepThrough+1+int64(i))
		}
		if b.ChainWork == nil {
			return fmt.Errorf("block %d: chainwork missing", b.Height)
		}
		script := b.CoinbaseScriptSig
		if script == nil {
			script = []byte{}
		}
		if _, err := st.ExecContext(ctx, b.Height, b.Hash[:], b.PrevHash[:], b.TimeS, int64(b.Bits), b.Version,
			b.ChainWork.FillBytes(make([]byte, 32)), b.CoinbaseOutSat, b.FeesSat, b.TxCount, b.SizeBytes, b.WeightWU,
			script, strings.Join(b.PayoutAddrs, " ")); err != nil {
			return fmt.Errorf("block %d: %w", b.Height, err)
		}
	}
	return tx.Commit()
}

// electrumPeriodBlocks is the length of the mainnet difficulty period an
// Electrum checkpoint entry covers.
const electrumPeriodBlocks = 2016

// PutEpochs implements Store: it replaces the whole stored history in one
// transaction, so re-importing a different file never mixes the two, and
// refuses (changing nothing) an entry whose period's last block the store
// holds under another hash.
func (s *SQLite) PutEpochs(ctx context.Context, epochs []chain.Epoch) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM epochs`); err != nil {
		return err
	}
	check, err := tx.PrepareContext(ctx, `SELECT hash FROM blocks WHERE height = ?`)
	if err != nil {
		return err
	}
	defer check.Close()
	for _, e := range epochs {
		// Where the store holds the period's last block, the entry must
		// name it.
		last := electrumPeriodBlocks*e.Index + electrumPeriodBlocks - 1
		var stored []byte
		switch err := check.QueryRowContext(ctx, last).Scan(&stored); {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		case !bytes.Equal(stored, e.LastHash[:]):
			var h chainhash.Hash
			copy(h[:], stored)
			return fmt.Errorf("checkpoint entry %d names block %s at height %d, the store holds %s there: a different chain or a damaged file", e.Index, e.LastHash, last, h)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO epochs(idx, last_hash, next_target) VALUES(?,?,?)`,
			e.Index, e.LastHash[:], e.NextTarget.FillBytes(make([]byte, 32))); err != nil {
			return fmt.Errorf("epoch %d: %w", e.Index, err)
		}
	}
	return tx.Commit()
}

// Epochs implements Store.
func (s *SQLite) Epochs(ctx context.Context) ([]chain.Epoch, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT idx, last_hash, next_target FROM epochs ORDER BY idx`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []chain.Epoch
	for rows.Next() {
		var e chain.Epoch
		var h, t []byte
		if err := rows.Scan(&e.Index, &h, &t); err != nil {
			return nil, err
		}
		copy(e.LastHash[:], h)
		e.NextTarget = new(big.Int).SetBytes(t)
		out = append(out, e)
	}
	return out, rows.Err()
}

// PutHeaderCheckpoints implements Store.
func (s *SQLite) PutHeaderCheckpoints(ctx context.Context, cps []chain.HeaderCheckpoint) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM header_checkpoints`); err != nil {
		return err
	}
	for _, c := range cps {
		if _, err := tx.ExecContext(ctx, `INSERT INTO header_checkpoints(height, chainwork, header) VALUES(?,?,?)`,
			c.Height, c.ChainWork.Bytes(), c.Header[:]); err != nil {
			return fmt.Errorf("checkpoint %d: %w", c.Height, err)
		}
	}
	return tx.Commit()
}

// HeaderCheckpoints implements Store. Rows are re-validated on the way out
// through the same parser the importer used.
func (s *SQLite) HeaderCheckpoints(ctx context.Context) ([]chain.HeaderCheckpoint, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT height, chainwork, header FROM header_checkpoints ORDER BY height`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []chain.HeaderCheckpoint
	for rows.Next() {
		var h int64
		var w, hdr []byte
		if err := rows.Scan(&h, &w, &hdr); err != nil {
			return nil, err
		}
		c, err := chain.HeaderCheckpointOf(h, new(big.Int).SetBytes(w), hdr)
		if err != nil {
			return nil, fmt.Errorf("stored checkpoint %d: %w", h, err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// PutPrices implements Store.
func (s *SQLite) PutPrices(ctx context.Context, prices []chain.Price) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	st, err := tx.PrepareContext(ctx, `INSERT INTO prices(day, close_usd) VALUES(?, ?) ON CONFLICT(day) DO UPDATE SET close_usd = excluded.close_usd`)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, p := range prices {
		if _, err := st.ExecContext(ctx, p.Day.UTC().Unix(), p.CloseUSD); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// Prices implements Store.
func (s *SQLite) Prices(ctx context.Context, from, to time.Time) ([]chain.Price, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT day, close_usd FROM prices WHERE day BETWEEN ? AND ? ORDER BY day`, from.Unix(), to.Unix())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []chain.Price
	for rows.Next() {
		var day int64
		var p chain.Price
		if err := rows.Scan(&day, &p.CloseUSD); err != nil {
			return nil, err
		}
		p.Day = time.Unix(day, 0).UTC()
		out = append(out, p)
	}
	return out, rows.Err()
}

// LatestPrice implements Store.
func (s *SQLite) LatestPrice(ctx context.Context) (chain.Price, error) {
	var day int64
	var p chain.Price
	err := s.db.QueryRowContext(ctx, `SELECT day, close_usd FROM prices ORDER BY day DESC LIMIT 1`).Scan(&day, &p.CloseUSD)
	if errors.Is(err, sql.ErrNoRows) {
		return p, fmt.Errorf("no prices: %w", ErrEmpty)
	}
	p.Day = time.Unix(day, 0).UTC()
	return p, err
}
