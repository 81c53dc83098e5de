package text

import (
	"strings"
	"unicode"
)

func WordCount(s string) map[string]int {
	counts := make(map[string]int)
	words := strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && r != '\''
	})
	for _, w := range words {
		counts[strings.ToLower(w)]++
	}
	return counts
}

func Reverse(s string) string {
	b := []byte(s)
	for i, j := 0, len(b)-1; i < j; i, j = i+1, j-1 {
		b[i], b[j] = b[j], b[i]
	}
	return string(b)
}

func Chunk(xs []int, n int) [][]int {
	var out [][]int
	for len(xs) > n {
		out = append(out, xs[:n:n])
		xs = xs[n:]
	}
	if len(xs) > 0 {
		out = append(out, xs)
	}
	return out
}

func Join(parts ...string) string {
	return strings.Join(parts, ",")
}

func JoinAll(parts []string) string { return Join(parts...) }
