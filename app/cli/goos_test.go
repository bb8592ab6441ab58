package cli

import "runtime"

const isWindows = runtime.GOOS == "windows"
