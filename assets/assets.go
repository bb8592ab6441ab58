// Package assets holds the resources embedded in the binary: the app icon.
package assets

import _ "embed"

// Icon is the application icon (PNG, 512×512).
//
//go:embed icon.png
var Icon []byte
