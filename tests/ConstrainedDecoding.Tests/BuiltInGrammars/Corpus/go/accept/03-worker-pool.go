package pool

import (
	"context"
	"errors"
	"time"
)

var ErrClosed = errors.New("pool closed")

type Job func(ctx context.Context) error

func Run(ctx context.Context, jobs <-chan Job, workers int) <-chan error {
	errs := make(chan error, workers)
	done := make(chan struct{})
	for i := 0; i < workers; i++ {
		go func(id int) {
			defer func() { done <- struct{}{} }()
			for {
				select {
				case <-ctx.Done():
					errs <- ctx.Err()
					return
				case job, ok := <-jobs:
					if !ok {
						return
					}
					if err := job(ctx); err != nil {
						errs <- err
					}
				case <-time.After(5 * time.Second):
					continue
				}
			}
		}(i)
	}
	go func() {
		for i := 0; i < workers; i++ {
			<-done
		}
		close(errs)
	}()
	return errs
}
