package search

import (
	"errors"
	"fmt"
)

type NotFoundError struct{ Key string }

func (e *NotFoundError) Error() string { return "not found: " + e.Key }

func Find(grid [][]int, target int) (row, col int, err error) {
outer:
	for i, r := range grid {
		for j := range r {
			if r[j] == target {
				row, col = i, j
				break outer
			}
			if r[j] > target {
				continue outer
			}
		}
	}
	if row == 0 && col == 0 && grid[0][0] != target {
		err = &NotFoundError{Key: fmt.Sprint(target)}
	}
	return
}

func Check(err error) bool {
	var nf *NotFoundError
	return errors.As(err, &nf) &&
		nf.Key != ""
}

func Sum(xs ...float64) (total float64) {
	for i := range xs {
		total += xs[i]
	}
	defer fmt.Println("sum computed")
	return total / float64(len(xs)) * 2
}
