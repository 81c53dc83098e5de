package eval

import "fmt"

type Expr interface {
	Eval(env map[string]float64) (float64, error)
	String() string
}

type Num float64
type Var string
type Bin struct {
	Op   byte
	L, R Expr
}

func Kind(e Expr) string {
	switch v := e.(type) {
	case Num:
		return "number"
	case Var, *Var:
		return "variable " + fmt.Sprint(v)
	case nil:
		return "nil"
	default:
		return "binary"
	}
}

func apply(op byte, a, b float64) (float64, error) {
	switch op {
	case '+':
		return a + b, nil
	case '-':
		return a - b, nil
	case '*':
		return a * b, nil
	case '/':
		if b == 0 {
			return 0, fmt.Errorf("division by zero")
		}
		return a / b, nil
	}
	return 0, fmt.Errorf("unknown operator %q", op)
}
