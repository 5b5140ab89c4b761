package store

import (
	"context"
	"errors"
	"strings"

	"github.com/hashfall/hashfall/chain"
)

// PeriodEnds returns the stored first and last block of every difficulty
// period (heights k·interval and k·interval + interval − 1) up to the tip,
// in height order, by two point reads a period: what a difficulty history
// needs from synced blocks without reading the blocks between. An empty
// store gives no blocks and no error.
func PeriodEnds(ctx context.Context, st Reader, interval int64) ([]chain.Block, error) {
	tip, err := st.Tip(ctx)
	if errors.Is(err, ErrEmpty) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	lowest, err := lowestHeight(ctx, st, tip.Height)
	if err != nil {
		return nil, err
	}
	var heights []int64
	for start := lowest - lowest%interval; start <= tip.Height; start += interval {
		for _, h := range []int64{start, start + interval - 1} {
			if h >= lowest && h <= tip.Height {
				heights = append(heights, h)
			}
		}
	}
	if s, ok := st.(interface {
		blocksAt(ctx context.Context, heights []int64) ([]chain.Block, error)
	}); ok {
		return s.blocksAt(ctx, heights)
	}
	var out []chain.Block
	for _, h := range heights {
		bs, err := st.Blocks(ctx, h, h)
		if err != nil {
			return nil, err
		}
		out = append(out, bs...)
	}
	return out, nil
}

// blocksAt reads the blocks at the given heights in one query per 512
// heights, far cheaper than a query each.
func (s *SQLite) blocksAt(ctx context.Context, heights []int64) ([]chain.Block, error) {
	var out []chain.Block
	for len(heights) > 0 {
		n := min(len(heights), 512)
		args := make([]any, n)
		for i, h := range heights[:n] {
			args[i] = h
		}
		rows, err := s.db.QueryContext(ctx, `SELECT `+blockCols+` FROM blocks WHERE height IN (?`+strings.Repeat(",?", n-1)+`) ORDER BY height`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			b, err := scanBlock(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, b)
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
		heights = heights[n:]
	}
	return out, nil
}

// lowestHeight is 0 for a store synced from genesis; stores always hold a
// contiguous run ending at the tip, so a missing block 0 means the run
// starts later, found by bisection on HashAt.
func lowestHeight(ctx context.Context, st Reader, tip int64) (int64, error) {
	if _, err := st.HashAt(ctx, 0); err == nil {
		return 0, nil
	} else if !errors.Is(err, chain.ErrNotFound) {
		return 0, err
	}
	lo, hi := int64(0), tip // lo absent, hi present
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		_, err := st.HashAt(ctx, mid)
		switch {
		case err == nil:
			hi = mid
		case errors.Is(err, chain.ErrNotFound):
			lo = mid
		default:
			return 0, err
		}
	}
	return hi, nil
}
