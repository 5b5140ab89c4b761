package report

import (
	"bytes"
	"fmt"
	"html/template"
	"image/color"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/hashfall/hashfall/output"
)

// ShutdownChartSVG draws the shutdown chart as SVG.
func (r Report) ShutdownChartSVG() ([]byte, error) {
	p, err := r.shutdownChart()
	if err != nil {
		return nil, err
	}
	return svgLegendBelow(p, 7*vg.Inch, 4.5*vg.Inch)
}

// svgLegendBelow draws p with its legend in a strip under the plot rather
// than inside the data area, where gonum puts it and where it sits on the
// gridlines and, for some fleets, on the points.
func svgLegendBelow(p *plot.Plot, w, h vg.Length) ([]byte, error) {
	legend := p.Legend
	p.Legend = plot.NewLegend()
	defer func() { p.Legend = legend }()
	c := vgsvg.New(w, h)
	dc := draw.New(c)
	box := legend.Rectangle(dc)
	strip := box.Max.Y - box.Min.Y + vg.Points(6)
	p.Draw(draw.Crop(dc, 0, 0, strip, 0))
	legend.Top = false
	legend.Left = true
	legend.XOffs = vg.Points(8)
	legend.Draw(draw.Crop(dc, 0, 0, 0, strip-h))
	var b bytes.Buffer
	if _, err := c.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// shutdownChart plots each model's shutdown price against its J/TH, with
// the BTC price as a horizontal line: models above the line are underwater.
func (r Report) shutdownChart() (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = "Shutdown price vs efficiency"
	p.X.Label.Text = "efficiency (J/TH)"
	p.Y.Label.Text = "shutdown BTC price (USD)"

	var above, below plotter.XYs
	maxX := 0.0
	for _, f := range r.Fleet {
		pt := plotter.XY{X: f.JoulesPerTH, Y: f.ShutdownPriceUSD}
		if f.Underwater {
			above = append(above, pt)
		} else {
			below = append(below, pt)
		}
		maxX = math.Max(maxX, f.JoulesPerTH)
	}
	add := func(pts plotter.XYs, c color.Color, shape draw.GlyphDrawer, name string) error {
		if len(pts) == 0 {
			return nil
		}
		s, err := plotter.NewScatter(pts)
		if err != nil {
			return err
		}
		s.GlyphStyle.Color = c
		s.GlyphStyle.Shape = shape
		s.GlyphStyle.Radius = vg.Points(3)
		p.Add(s)
		p.Legend.Add(name, s)
		return nil
	}
	if err := add(below, color.RGBA{R: 0x1b, G: 0x7f, B: 0x3b, A: 0xff}, draw.CircleGlyph{}, "profitable"); err != nil {
		return nil, err
	}
	if err := add(above, color.RGBA{R: 0xc0, G: 0x1c, B: 0x28, A: 0xff}, draw.CrossGlyph{}, "underwater"); err != nil {
		return nil, err
	}
	price := plotter.NewFunction(func(float64) float64 { return r.Network.PriceUSD })
	price.Color = color.RGBA{B: 0xa0, A: 0xff}
	price.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	p.Add(price)
	p.Legend.Add(fmt.Sprintf("BTC price $%.0f", r.Network.PriceUSD), price)
	p.X.Min = 0
	p.X.Max = maxX * 1.05
	p.Y.Min = 0
	p.Add(plotter.NewGrid())
	return p, nil
}

// breakable lets a snake_case column name wrap after its underscores, so
// that a wide table's header does not set its width.
func breakable(s string) template.HTML {
	return template.HTML(strings.ReplaceAll(template.HTMLEscapeString(s), "_", "_<wbr>"))
}

var page = template.Must(template.New("report").Funcs(template.FuncMap{"breakable": breakable}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{{.Title}}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem auto;padding:0 1rem;color:#222}
.label{background:#fff4ce;border:1px solid #e0c060;padding:.5rem .75rem;border-radius:4px}
figure{margin:1rem 0}
figure svg{max-width:100%;height:auto}
.scroll{overflow-x:auto;margin:.5rem 0 1.5rem}
table{border-collapse:collapse;font-size:.85rem}
th,td{padding:.2rem .45rem;border-bottom:1px solid #ddd;text-align:right;white-space:nowrap}
th{white-space:normal;vertical-align:bottom}
th:first-child,td:first-child{text-align:left}
tr.under td{color:#c01c28}
</style></head><body>
<h1>{{.Title}}</h1>
<p class="label">{{.Label}}</p>
{{range .Notes}}<p>{{.}}</p>{{end}}
<figure>{{.Chart}}</figure>
{{range .Sections}}<h2>{{.Name}}</h2>
<div class="scroll"><table><thead><tr>{{range .Header}}<th>{{breakable .}}</th>{{end}}</tr></thead><tbody>
{{range .Rows}}<tr{{if .Under}} class="under"{{end}}>{{range .Cells}}<td>{{.}}</td>{{end}}</tr>{{end}}
</tbody></table></div>{{end}}
</body></html>
`))

type htmlRow struct {
	Cells []string
	Under bool
}

type htmlSection struct {
	Name   string
	Header []string
	Rows   []htmlRow
}

// HTML renders the report as one self-contained page: the label, the chart
// as inline SVG, and every section as a table.
func (r Report) HTML() ([]byte, error) {
	svg, err := r.ShutdownChartSVG()
	if err != nil {
		return nil, fmt.Errorf("chart: %w", err)
	}
	doc := r.Document()
	data := struct {
		Title, Label string
		Notes        []string
		Chart        template.HTML
		Sections     []htmlSection
	}{Title: doc.Title, Label: r.Label, Notes: doc.Notes[1:], Chart: template.HTML(stripXMLHeader(svg))}
	for _, s := range doc.Sections {
		header, rows, err := output.Grid(s.Data)
		if err != nil {
			return nil, fmt.Errorf("section %s: %w", s.Name, err)
		}
		hs := htmlSection{Name: s.Name, Header: header}
		for i, cells := range rows {
			under := s.Name == "fleet" && r.Fleet[i].Underwater
			hs.Rows = append(hs.Rows, htmlRow{Cells: cells, Under: under})
		}
		data.Sections = append(data.Sections, hs)
	}
	var b bytes.Buffer
	if err := page.Execute(&b, data); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// stripXMLHeader drops the <?xml ...?> declaration, which is not allowed
// inside an HTML document.
func stripXMLHeader(svg []byte) []byte {
	if i := bytes.Index(svg, []byte("<svg")); i > 0 {
		return svg[i:]
	}
	return svg
}
