package config

import (
	"fmt"
	"os"
	str "strings"
)

const (
	KB = 1 << (10 * (iota + 1))
	MB
	GB
)

const Version = "1.4.2"

var (
	debug   = os.Getenv("DEBUG") != ""
	verbose bool
	limits  = [...]int{1, 2, 3}
	ratio   float64 = 0.75
	hexMask         = 0xFF_FF
	flags   = 0b1010 | 0o17
	rn              = '\n'
	raw             = `C:\path\n`
	big             = 1e9
)

type Level int

type Alias = Level

func Describe(l Level) string {
	names := map[Level]string{
		0: "debug",
		1: "info",
		2: "warn",
	}
	if name, ok := names[l]; ok {
		return str.ToUpper(name)
	} else if l < 0 {
		return "invalid"
	}
	return fmt.Sprintf("level(%d)", int(l))
}
