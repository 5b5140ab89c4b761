package chain

import (
	"encoding/base64"
	"os"
	"strings"
	"testing"
)

const sharedBitcoinj = "../../shared/data/bitcoinj-production-checkpoints.txt"

// The real file (../shared/README.md): 436 checkpoints, heights 2016 to
// 878,976, one at the first block of every period.
func TestReadBitcoinjCheckpointsRealFile(t *testing.T) {
	f, err := os.Open(sharedBitcoinj)
	if err != nil {
		t.Skipf("no shared bitcoinj file: %v", err)
	}
	defer f.Close()
	cps, err := ReadBitcoinjCheckpoints(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(cps) != 436 || cps[0].Height != 2016 || cps[len(cps)-1].Height != 878976 {
		t.Fatalf("%d checkpoints, heights %d..%d", len(cps), cps[0].Height, cps[len(cps)-1].Height)
	}
	for _, c := range cps {
		if c.Height%2016 != 0 {
			t.Errorf("height %d is not a period start", c.Height)
		}
	}
	// Block 2016 still has the genesis bits, and its parent is block 2015,
	// whose hash is Electrum's entry 0 (../shared/data/electrum-checkpoints.json).
	if got := cps[0].Bits; got != 0x1d00ffff {
		t.Errorf("block 2016 bits %08x", got)
	}
	if want := "00000000693067b0e6b440bc51450b9f3850561b07f6d3c021c54fbd6abb9763"; cps[0].PrevHash.String() != want {
		t.Errorf("block 2016's parent %s, want %s", cps[0].PrevHash, want)
	}
}

func TestReadBitcoinjCheckpointsErrors(t *testing.T) {
	good := "AAAAAAAAB+EH4QfhAAAH4AEAAABjl7tqvU/FIcDT9gcbVlA4nwtFUbxAtOawZzBpAAAAAKzkcK7NqciBjI/ldojNKncrWleVSgDfBCCn3VRrbSxXaw5/Sf//AB0z8Bkv"
	raw, _ := base64.StdEncoding.DecodeString(good)
	raw[16+76] ^= 1 // change the nonce: the hash no longer meets the target
	badPow := base64.StdEncoding.EncodeToString(raw)
	cases := map[string]string{
		"magic":      "TXT CHECKPOINTS 2\n0\n1\n" + good,
		"count":      "TXT CHECKPOINTS 1\n0\nx\n" + good,
		"short":      "TXT CHECKPOINTS 1\n0\n2\n" + good,
		"extra":      "TXT CHECKPOINTS 1\n0\n1\n" + good + "\n" + good,
		"base64":     "TXT CHECKPOINTS 1\n0\n1\n!!!!",
		"pow":        "TXT CHECKPOINTS 1\n0\n1\n" + badPow,
		"not rising": "TXT CHECKPOINTS 1\n0\n2\n" + good + "\n" + good,
		"empty":      "TXT CHECKPOINTS 1\n0\n0\n",
	}
	for name, in := range cases {
		if _, err := ReadBitcoinjCheckpoints(strings.NewReader(in)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// Signature lines are skipped.
	cps, err := ReadBitcoinjCheckpoints(strings.NewReader("TXT CHECKPOINTS 1\n1\nSIG\n1\n" + good + "\n"))
	if err != nil || len(cps) != 1 || cps[0].Height != 2016 {
		t.Fatalf("with a signature: %v %v", cps, err)
	}
}

func FuzzReadBitcoinjCheckpoints(f *testing.F) {
	good := "AAAAAAAAB+EH4QfhAAAH4AEAAABjl7tqvU/FIcDT9gcbVlA4nwtFUbxAtOawZzBpAAAAAKzkcK7NqciBjI/ldojNKncrWleVSgDfBCCn3VRrbSxXaw5/Sf//AB0z8Bkv"
	f.Add("TXT CHECKPOINTS 1\n0\n1\n" + good + "\n")
	f.Add("TXT CHECKPOINTS 1\n2\na\nb\n1\n" + good)
	f.Add("TXT CHECKPOINTS 1\n0\n1048576\n")
	f.Add("TXT CHECKPOINTS 1\n0\n-1\n")
	f.Fuzz(func(t *testing.T, in string) {
		cps, err := ReadBitcoinjCheckpoints(strings.NewReader(in))
		if err != nil {
			return
		}
		for i, c := range cps {
			if c.ChainWork == nil || c.ChainWork.Sign() <= 0 || (i > 0 && c.Height <= cps[i-1].Height) {
				t.Fatalf("accepted bad checkpoint %d: %+v", i, c)
			}
		}
	})
}
