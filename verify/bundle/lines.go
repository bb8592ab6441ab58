package bundle

import (
	"bufio"
	"errors"
	"fmt"
	"io"
)

// readLine returns the next line without its LF, refusing lines longer
// than max, a CR before the LF, and a last line without an LF.
func readLine(br *bufio.Reader, max int, buf []byte) ([]byte, error) {
	for {
		frag, err := br.ReadSlice('\n')
		if len(buf)+len(frag) > max+1 {
			return nil, fmt.Errorf("longer than the limit of %d bytes", max)
		}
		buf = append(buf, frag...)
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err == io.EOF && len(buf) == 0:
			return nil, io.EOF
		case err == io.EOF:
			return nil, errors.New("the last line does not end with a line feed")
		case err != nil:
			return nil, err
		}
		buf = buf[:len(buf)-1]
		if len(buf) == 0 {
			return nil, errors.New("empty line")
		}
		if buf[len(buf)-1] == '\r' {
			return nil, errors.New("it ends with CR LF; lines end with LF alone")
		}
		return buf, nil
	}
}
