package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/hashfall/hashfall/chain"
	"github.com/hashfall/hashfall/store"
)

type bitcoinjResult struct {
	Checkpoints int       `json:"checkpoints"`
	FirstHeight int64     `json:"first_height"`
	LastHeight  int64     `json:"last_height"`
	LastTime    time.Time `json:"last_time"`
	LastBits    string    `json:"last_bits"`
}

func newImportBitcoinjCmd() *cobra.Command {
	var dbPath string
	cmd := &cobra.Command{
		Use:   "bitcoinj-checkpoints FILE --db FILE",
		Short: "Import bitcoinj's checkpoint file (TXT CHECKPOINTS 1): the header, height and chainwork at every period start (mainnet)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cps, err := importInto(cmd.Context(), dbPath, args[0], chain.ReadBitcoinjCheckpoints, (*store.SQLite).PutHeaderCheckpoints)
			if err != nil {
				return err
			}
			last := cps[len(cps)-1]
			return emit(cmd, bitcoinjResult{
				Checkpoints: len(cps), FirstHeight: cps[0].Height, LastHeight: last.Height,
				LastTime: time.Unix(last.TimeS, 0).UTC(), LastBits: fmt.Sprintf("%08x", last.Bits),
			})
		},
	}
	cmd.Flags().StringVar(&dbPath, "db", "", "store file (SQLite), created if absent")
	return cmd
}
