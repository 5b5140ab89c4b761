package power

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

func openTestdata(t *testing.T, name string) *os.File {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// The UTC instants below are worked by hand from the US rule (second
// Sunday of March 02:00 CST → 03:00 CDT; first Sunday of November 02:00
// CDT → 01:00 CST), independent of the parser's arithmetic.
func TestERCOTRealTimeSpringDay(t *testing.T) {
	s, err := ParseERCOTRealTime(openTestdata(t, "ercot_rt_2024-03-10.csv"), "hb_west")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.USDPerMWh) != 92 || s.Step != 15*time.Minute {
		t.Fatalf("got %d intervals of %s, want 92 of 15m", len(s.USDPerMWh), s.Step)
	}
	if !s.Start.Equal(utc("2024-03-10T06:00:00Z")) {
		t.Errorf("start %s, want midnight CST = 06:00Z", s.Start)
	}
	// HE2 q4 is 01:45 CST = 07:45Z; HE4 q1 is 03:00 CDT = 08:00Z.
	for _, c := range []struct {
		at    string
		price float64
	}{{"2024-03-10T07:45:00Z", 22.4}, {"2024-03-10T08:00:00Z", 24.1}, {"2024-03-11T04:45:00Z", 44.4}} {
		i, ok := s.Index(utc(c.at))
		if !ok || s.USDPerMWh[i] != c.price {
			t.Errorf("at %s: got index %d ok=%v price %v, want %v", c.at, i, ok, s.USDPerMWh[i], c.price)
		}
	}
}

func TestERCOTRealTimeAutumnDay(t *testing.T) {
	s, err := ParseERCOTRealTime(openTestdata(t, "ercot_rt_2024-11-03.csv"), "HB_WEST")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.USDPerMWh) != 100 || !s.Start.Equal(utc("2024-11-03T05:00:00Z")) {
		t.Fatalf("got %d intervals from %s, want 100 from 05:00Z (midnight CDT)", len(s.USDPerMWh), s.Start)
	}
	// HE2 N q1 = 01:00 CDT = 06:00Z; HE2 Y q1 = 01:00 CST = 07:00Z (+50 in the file); HE3 q1 = 02:00 CST = 08:00Z.
	for _, c := range []struct {
		at    string
		price float64
	}{{"2024-11-03T06:00:00Z", 22.1}, {"2024-11-03T07:00:00Z", 72.1}, {"2024-11-03T08:00:00Z", 23.1}, {"2024-11-04T05:45:00Z", 44.4}} {
		i, ok := s.Index(utc(c.at))
		if !ok || s.USDPerMWh[i] != c.price {
			t.Errorf("at %s: index %d ok=%v, want price %v", c.at, i, ok, c.price)
		}
	}
}

func TestERCOTDayAheadAutumn(t *testing.T) {
	s, err := ParseERCOTDayAhead(openTestdata(t, "ercot_dam_2024-11-02_04.csv"), "HB_WEST")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.USDPerMWh) != 24+25+24 || s.Step != time.Hour || !s.Start.Equal(utc("2024-11-02T05:00:00Z")) {
		t.Fatalf("got %d hours of %s from %s", len(s.USDPerMWh), s.Step, s.Start)
	}
	i, _ := s.Index(utc("2024-11-03T07:00:00Z")) // repeated 01:00–02:00 CST
	if s.USDPerMWh[i] != 32.5 {
		t.Errorf("repeated hour price %v, want 32.5", s.USDPerMWh[i])
	}
}

const rtHeader = "DeliveryDate,DeliveryHour,DeliveryInterval,SettlementPointName,SettlementPointType,SettlementPointPrice,DSTFlag\n"

func rtRows(day string, hours []int, flagY map[int]bool) string {
	var b strings.Builder
	for _, h := range hours {
		for q := 1; q <= 4; q++ {
			b.WriteString(day + "," + itoa(h) + "," + itoa(q) + ",HB_WEST,HU,10,N\n")
		}
		if flagY[h] {
			for q := 1; q <= 4; q++ {
				b.WriteString(day + "," + itoa(h) + "," + itoa(q) + ",HB_WEST,HU,10,Y\n")
			}
		}
	}
	return b.String()
}

func itoa(i int) string { return strconv.Itoa(i) }
func hoursExcept(skip int) []int {
	var h []int
	for i := 1; i <= 24; i++ {
		if i != skip {
			h = append(h, i)
		}
	}
	return h
}

func TestERCOTRealTimeErrors(t *testing.T) {
	full := rtRows("06/01/2024", hoursExcept(0), nil)
	cases := []struct{ name, in, point, want string }{
		{"missing point", rtHeader + full, "HB_EAST", "settlement point HB_EAST not in the file; it has HB_WEST"},
		{"duplicate", rtHeader + full + "06/01/2024,24,4,HB_WEST,HU,10,N\n", "HB_WEST", "line 98: 06/01/2024 has 97 intervals"},
		{"duplicate mid", rtHeader + "06/01/2024,1,1,HB_WEST,HU,10,N\n" + "06/01/2024,1,1,HB_WEST,HU,11,N\n", "HB_WEST", "line 3: duplicate interval"},
		{"gap", rtHeader + "06/01/2024,1,1,HB_WEST,HU,10,N\n06/01/2024,1,3,HB_WEST,HU,10,N\n", "HB_WEST", "line 3: gap of 1 intervals"},
		{"spring hour 3", rtHeader + rtRows("03/10/2024", hoursExcept(0), nil), "HB_WEST", "hour-ending 3 does not exist on 03/10/2024"},
		{"autumn without repeat", rtHeader + rtRows("11/03/2024", hoursExcept(0), nil) + rtRows("11/04/2024", hoursExcept(0), nil), "HB_WEST", "11/03/2024 has 96 intervals for HB_WEST, want 100 (autumn DST day)"},
		{"flag on normal day", rtHeader + "06/01/2024,2,1,HB_WEST,HU,10,Y\n", "HB_WEST", "line 2: DSTFlag=Y on 06/01/2024"},
		{"bad date", rtHeader + "2024-06-01,1,1,HB_WEST,HU,10,N\n", "HB_WEST", "line 2: deliverydate \"2024-06-01\": want MM/DD/YYYY"},
		{"bad price", rtHeader + "06/01/2024,1,1,HB_WEST,HU,NaN,N\n", "HB_WEST", "line 2: price \"NaN\""},
		{"huge price", rtHeader + "06/01/2024,1,1,HB_WEST,HU,1e300,N\n", "HB_WEST", "line 2: price 1e+300 USD/MWh is beyond"},
		{"bad interval", rtHeader + "06/01/2024,1,5,HB_WEST,HU,10,N\n", "HB_WEST", "line 2: deliveryinterval \"5\""},
		{"no header column", "DeliveryDate,DeliveryHour\n", "HB_WEST", "line 1: header has no"},
	}
	for _, c := range cases {
		_, err := ParseERCOTRealTime(strings.NewReader(c.in), c.point)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error %v, want one line containing %q", c.name, err, c.want)
		}
	}
}

func TestERCOTRealTimePartialLastDay(t *testing.T) {
	in := rtHeader + rtRows("06/01/2024", hoursExcept(0), nil) + rtRows("06/02/2024", []int{1, 2}, nil)
	s, err := ParseERCOTRealTime(strings.NewReader(in), "HB_WEST")
	if err != nil || len(s.USDPerMWh) != 96+8 {
		t.Fatalf("got %d intervals, err %v; a growing file's last day may stop early", len(s.USDPerMWh), err)
	}
	// …but a partial first day followed by another is an error.
	in = rtHeader + rtRows("06/01/2024", []int{23, 24}, nil) + rtRows("06/02/2024", []int{1}, nil)
	if _, err := ParseERCOTRealTime(strings.NewReader(in), "HB_WEST"); err == nil || !strings.Contains(err.Error(), "06/01/2024 has 8 intervals") {
		t.Errorf("partial interior day: %v", err)
	}
}

func TestParseCSVTimeZones(t *testing.T) {
	// Central local hours across the autumn change need offsets; naive ones there are ambiguous.
	in := "timestamp,price\n2024-11-03T00:30:00-05:00,1\n2024-11-03T01:30:00-05:00,2\n2024-11-03T01:30:00-06:00,3\n"
	s, err := ParseCSV(strings.NewReader(in), CSVOptions{Location: Central})
	if err != nil || s.Step != time.Hour || len(s.USDPerMWh) != 3 || !s.Start.Equal(utc("2024-11-03T05:30:00Z")) {
		t.Fatalf("offsets: %+v %v", s, err)
	}
	_, err = ParseCSV(strings.NewReader("timestamp,price\n2024-11-03 00:30,1\n2024-11-03 01:30,2\n"), CSVOptions{Location: Central})
	if err == nil || !strings.Contains(err.Error(), "line 3:") || !strings.Contains(err.Error(), "occurs twice") {
		t.Errorf("ambiguous local time: %v", err)
	}
	_, err = ParseCSV(strings.NewReader("2024-03-10 02:30,1\n"), CSVOptions{Location: Central, Step: time.Hour})
	if err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("nonexistent local time: %v", err)
	}
	// Naive Central times at 5-minute steps, in spring across the change: 01:55 CST then 03:00 CDT is 5 minutes.
	s, err = ParseCSV(strings.NewReader("2024-03-10 01:55,1\n2024-03-10 03:00,2\n2024-03-10 03:05,3\n"), CSVOptions{Location: Central})
	if err != nil || s.Step != 5*time.Minute || !s.Start.Equal(utc("2024-03-10T07:55:00Z")) {
		t.Errorf("spring 5-minute: %+v %v", s, err)
	}
	_, err = ParseCSV(strings.NewReader("2024-01-01 00:00,1\n2024-01-01 00:15,1\n2024-01-01 00:45,1\n"), CSVOptions{})
	if err == nil || !strings.HasPrefix(err.Error(), "line 3: gap of 1 intervals") {
		t.Errorf("gap: %v", err)
	}
}

func FuzzParseERCOTRealTime(f *testing.F) {
	for _, name := range []string{"ercot_rt_2024-03-10.csv", "ercot_rt_2024-11-03.csv"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add(rtHeader + "11/03/2024,2,1,HB_WEST,HU,1,Y\n")
	f.Fuzz(func(t *testing.T, in string) {
		s, err := ParseERCOTRealTime(strings.NewReader(in), "HB_WEST")
		checkSeries(t, s, err)
	})
}

func FuzzParseERCOTDayAhead(f *testing.F) {
	b, err := os.ReadFile("testdata/ercot_dam_2024-11-02_04.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(b))
	f.Fuzz(func(t *testing.T, in string) {
		s, err := ParseERCOTDayAhead(strings.NewReader(in), "HB_WEST")
		checkSeries(t, s, err)
	})
}

func FuzzParseCSV(f *testing.F) {
	f.Add("timestamp,price\n2024-11-03T00:30:00-05:00,1\n2024-11-03T01:30:00-05:00,2\n")
	f.Add("2024-03-10 01:55,1\n2024-03-10 03:00,2\n")
	f.Fuzz(func(t *testing.T, in string) {
		s, err := ParseCSV(strings.NewReader(in), CSVOptions{Location: Central})
		checkSeries(t, s, err)
	})
}

func checkSeries(t *testing.T, s Series, err error) {
	t.Helper()
	if err != nil {
		if strings.Contains(err.Error(), "\n") {
			t.Fatalf("multi-line error %q", err)
		}
		return
	}
	if s.Step <= 0 || len(s.USDPerMWh) == 0 || s.Start.Location() != time.UTC {
		t.Fatalf("bad series: step %s, %d prices, start %s", s.Step, len(s.USDPerMWh), s.Start)
	}
}

func TestERCOTDayAheadSpring(t *testing.T) {
	var b strings.Builder
	b.WriteString("DeliveryDate,HourEnding,SettlementPoint,SettlementPointPrice,DSTFlag\n")
	for h := 1; h <= 24; h++ {
		if h != 3 {
			b.WriteString("03/10/2024," + fmt.Sprintf("%02d:00", h) + ",HB_WEST," + strconv.Itoa(h) + ",N\n")
		}
	}
	s, err := ParseERCOTDayAhead(strings.NewReader(b.String()), "HB_WEST")
	if err != nil || len(s.USDPerMWh) != 23 {
		t.Fatalf("spring DAM day: %d hours, %v", len(s.USDPerMWh), err)
	}
	// HE2 = 01:00 CST = 07:00Z; HE4 = 03:00 CDT = 08:00Z, the next hour.
	if !s.At(1).Equal(utc("2024-03-10T07:00:00Z")) || s.USDPerMWh[2] != 4 {
		t.Errorf("HE2 at %s, interval 2 price %v", s.At(1), s.USDPerMWh[2])
	}
	_, err = ParseERCOTDayAhead(strings.NewReader("DeliveryDate,HourEnding,SettlementPoint,SettlementPointPrice,DSTFlag\n03/11/2024,1:30,HB_WEST,1,N\n"), "HB_WEST")
	if err == nil || !strings.HasPrefix(err.Error(), "line 2: hourending") {
		t.Errorf("bad HourEnding: %v", err)
	}
}
