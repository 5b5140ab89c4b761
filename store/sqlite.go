package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"github.com/btcsuite/btcd/chainhash/v2"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

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
}

// SQLite is the embedded Store.
type SQLite struct {
	db *sql.DB
}

// OpenSQLite opens (creating if needed) the database at path and migrates
// its schema to the current version.
func OpenSQLite(path string) (*SQLite, error) {
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	s := &SQLite{db: db}
	if err := s.migrate(); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return s, nil
}

func (s *SQLite) migrate() error {
	var v int
	if err := s.db.QueryRow(`PRAGMA user_version`).Scan(&v); err != nil {
		return err
	}
	if v > len(migrations) {
		return fmt.Errorf("schema version %d is newer than this hashfall (%d)", v, len(migrations))
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

// Close implements Store.
func (s *SQLite) Close() error { return s.db.Close() }

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

// PutEpochs implements Store.
func (s *SQLite) PutEpochs(ctx context.Context, epochs []chain.Epoch) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM epochs`); err != nil {
		return err
	}
	for _, e := range epochs {
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
