package witness

import (
	"io"
	"net/http"
)

// Reply is a witness's answer: the HTTP status, the content type and the
// body.
type Reply struct {
	Status      int
	ContentType string
	Body        []byte
}

// Handler serves POST /add-checkpoint with add, which decides on a
// request body. Bodies beyond MaxRequestSize are refused unread.
func Handler(add func(body []byte) Reply) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/add-checkpoint", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "use POST", http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxRequestSize))
		if err != nil {
			http.Error(w, "the request is too large or could not be read", http.StatusRequestEntityTooLarge)
			return
		}
		rep := add(body)
		w.Header().Set("Content-Type", rep.ContentType)
		w.WriteHeader(rep.Status)
		w.Write(rep.Body)
	})
	return mux
}
