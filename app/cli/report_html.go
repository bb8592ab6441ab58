package cli

import (
	"bytes"
	"os"
	"path/filepath"

	"github.com/custody-app/custody/verify/report"
	"github.com/custody-app/custody/verify/report/htmlreport"
)

// writeHTMLReport writes the page htmlreport renders to path, whole or
// not at all (through a temporary file renamed into place).
func writeHTMLReport(path string, d *report.Document) error {
	var buf bytes.Buffer
	if err := htmlreport.Write(&buf, d); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".custody-report-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(buf.Bytes())
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}
