package cli

import "reflect"

// emptyArrays replaces every nil slice reachable from v through exported
// fields, pointers and interfaces with an empty one, so that --json
// prints [] where docs/cli.md promises an array, never null (a script
// that loops over "findings" must not have to test for null first).
// Byte slices are left alone: JSON writes them as strings.
func emptyArrays(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			emptyArrays(v.Elem())
		}
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < v.NumField(); i++ {
			if t.Field(i).IsExported() {
				emptyArrays(v.Field(i))
			}
		}
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return
		}
		if v.IsNil() {
			if v.CanSet() {
				v.Set(reflect.MakeSlice(v.Type(), 0, 0))
			}
			return
		}
		for i := 0; i < v.Len(); i++ {
			emptyArrays(v.Index(i))
		}
	case reflect.Array:
		for i := 0; i < v.Len(); i++ {
			emptyArrays(v.Index(i))
		}
	case reflect.Map:
		// Map values cannot be set in place; none of the outputs has
		// slices in maps.
	}
}
