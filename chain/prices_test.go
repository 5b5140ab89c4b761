package chain

import (
	"strings"
	"testing"
	"time"
)

func day(s string) time.Time { t, _ := time.Parse("2006-01-02", s); return t }

// Real-world export layouts; the closes are illustrative values typed for
// the test, in each exchange's own number format.
func TestReadPricesCSVLayouts(t *testing.T) {
	cases := map[string]string{
		"plain":         "date,close\n2026-02-01,78000.5\n2026-02-02,76176\n",
		"yahoo":         "Date,Open,High,Low,Close,Adj Close,Volume\n2026-02-01,1,2,0.5,78000.5,78000.5,10\n2026-02-02,1,2,0.5,76176,76176,10\n",
		"coingecko":     "snapped_at,price,market_cap,total_volume\n2026-02-01 00:00:00 UTC,78000.5,1,2\n2026-02-02 00:00:00 UTC,76176,1,2\n",
		"investing":     "\"Date\",\"Price\",\"Open\",\"High\",\"Low\",\"Vol.\",\"Change %\"\n\"02/02/2026\",\"76,176.0\",\"1\",\"1\",\"1\",\"1K\",\"-1%\"\n\"02/01/2026\",\"78,000.5\",\"1\",\"1\",\"1\",\"1K\",\"1%\"\n",
		"coinmarketcap": "timeOpen;timeClose;name;open;close;volume\n2026-02-01T00:00:00.000Z;2026-02-01T23:59:59.999Z;Bitcoin;1;78000.5;1\n2026-02-02T00:00:00.000Z;2026-02-02T23:59:59.999Z;Bitcoin;1;76176;1\n",
		"coindesk":      "Currency,Date,Closing Price (USD),24h Open (USD)\nBTC,2026-02-01,$78000.50,1\nBTC,2026-02-02,\"$76,176.00\",1\n",
		"unix":          "timestamp,close\n1769904000,78000.5\n1769990400000,76176\n",
	}
	for name, in := range cases {
		ps, err := ReadPricesCSV(strings.NewReader(in))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if len(ps) != 2 || !ps[0].Day.Equal(day("2026-02-01")) || ps[0].CloseUSD != 78000.5 || !ps[1].Day.Equal(day("2026-02-02")) || ps[1].CloseUSD != 76176 {
			t.Errorf("%s: %+v", name, ps)
		}
	}
}

func TestReadPricesCSVErrors(t *testing.T) {
	for name, c := range map[string]struct{ in, want string }{
		"no close":  {"date,open\n2026-02-01,1\n", "line 1"},
		"bad date":  {"date,close\n2026-02-01,1\nyesterday,2\n", "line 3"},
		"bad price": {"date,close\n2026-02-01,-5\n", "line 2"},
		"empty":     {"date,close\n", "no rows"},
		"short row": {"date,x,close\n2026-02-01\n", "line 2"},
		"duplicate": {"date,close\n2026-02-01,1\n2026-02-02,2\n2026-02-01 12:00,3\n", "line 4: 2026-02-01 is listed twice, on lines 2 and 4"},
		"absurd":    {"date,close\n2026-02-01,1e308\n", "line 2: close \"1e308\" is above $10000000"},
		"infinite":  {"date,close\n2026-02-01,1\n2026-02-02,Inf\n", "line 3"},
		"nan":       {"date,close\n2026-02-01,NaN\n", "line 2"},
		"above 10M": {"date,close\n2026-02-01,10000000.01\n", "line 2"},
	} {
		_, err := ReadPricesCSV(strings.NewReader(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: err = %v, want one line mentioning %q", name, err, c.want)
		}
	}
}

func FuzzReadPricesCSV(f *testing.F) {
	f.Add("date,close\n2026-02-01,78000.5\n")
	f.Add("\"Date\",\"Price\"\n\"02/02/2026\",\"76,176.0\"\n")
	f.Add("timeOpen;close\n1769904000;1\n")
	f.Fuzz(func(t *testing.T, in string) {
		ps, err := ReadPricesCSV(strings.NewReader(in))
		if err != nil {
			if ps != nil {
				t.Fatal("prices returned with an error")
			}
			return
		}
		for _, p := range ps {
			if !(p.CloseUSD > 0) || p.Day.Hour() != 0 {
				t.Fatalf("bad row %+v", p)
			}
		}
	})
}

func FuzzReadElectrumCheckpoints(f *testing.F) {
	f.Add(`[["00000000693067b0e6b440bc51450b9f3850561b07f6d3c021c54fbd6abb9763", 26959535291011309493156476344723991336010898738574164086137773096960]]`)
	f.Fuzz(func(t *testing.T, in string) {
		eps, err := ReadElectrumCheckpoints(strings.NewReader(in))
		if err == nil && len(eps) == 0 {
			t.Fatal("no epochs and no error")
		}
	})
}
