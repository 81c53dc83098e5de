package list

type Node struct {
	Value int
	Next  *Node
}

type List struct {
	head *Node
	size int
}

func (l *List) Push(v int) {
	l.head = &Node{Value: v, Next: l.head}
	l.size++
}

func (l *List) Reverse() {
	var prev *Node
	cur := l.head
	for cur != nil {
		next := cur.Next
		cur.Next = prev
		prev, cur = cur, next
	}
	l.head = prev
}

func (l List) Values() (out []int) {
	for n := l.head; n != nil; n = n.Next {
		out = append(out, n.Value)
	}
	return
}

func (l *List) Len() int { return l.size }
