package sortx

import "cmp"

// Sort sorts xs in place.
func Sort[T cmp.Ordered](xs []T) {
	if len(xs) < 2 {
		return
	}
	p := partition(xs)
	Sort(xs[:p])
	Sort(xs[p+1:])
}

func partition[T cmp.Ordered](xs []T) int {
	hi := len(xs) - 1
	pivot := xs[hi]
	i := 0
	for j := 0; j < hi; j++ {
		if xs[j] < pivot {
			xs[i], xs[j] = xs[j], xs[i]
			i++
		}
	}
	xs[i], xs[hi] = xs[hi], xs[i]
	return i
}

type Number interface {
	~int | ~int64 | ~float64
}

func Map[T, U any](xs []T, f func(T) U) []U {
	out := make([]U, 0, len(xs))
	for _, x := range xs {
		out = append(out, f(x))
	}
	return out
}
