"""chaingrad demo: backpropagate through the homework's two-weight chain.

z1 = w1 * x,  a1 = relu(z1),  z2 = w2 * a1 + b,  y = sigmoid(z2),  C = (y - t)^2 / 2
"""

from autograd import Value, gradcheck


def chain(x: Value, w1: Value, w2: Value, b: Value, t: float = 1.0) -> Value:
    y = (w2 * (w1 * x).relu() + b).sigmoid()
    return (y - t) ** 2 / 2


def main() -> None:
    x, w1 = Value(3.0, label="x"), Value(0.01, label="w1")
    w2, b = Value(-5.0, label="w2"), Value(-1.0, label="b")
    cost = chain(x, w1, w2, b)
    cost.backward()
    print(f"C = (sigmoid(w2 * relu(w1 * x) + b) - 1)^2 / 2 = {cost.data:.17g}")
    for v in (w1, w2, b, x):
        print(f"  dC/d{v.label:<2} = {v.grad: .17g}")
    gradcheck(chain, [x, w1, w2, b])
    print("gradcheck: every gradient matches central finite differences")


if __name__ == "__main__":
    main()
