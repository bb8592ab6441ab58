package docindex

import "strings"

func splitLower(s string) []string { return strings.Fields(strings.ToLower(s)) }
func lower(s string) string        { return strings.ToLower(s) }
func contains(s, t string) bool    { return strings.Contains(s, t) }
func hasPrefix(s, t string) bool   { return strings.HasPrefix(s, t) }
