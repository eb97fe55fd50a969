# The PyTorch side of bench/train.mjs: the same architectures, batch size and loop (shuffle, SGD step
# per minibatch, cross-entropy), on one CPU thread. Prints one JSON object: samples/s per model.
import json
import sys
import time

import torch
from torch import nn

torch.set_num_threads(1)
torch.manual_seed(1)
spec = json.loads(sys.argv[1])


def model_of(name, vocab):
    if name == "2nn":
        return nn.Sequential(nn.Linear(784, 200), nn.ReLU(), nn.Linear(200, 200), nn.ReLU(), nn.Linear(200, 10))
    if name == "cnn":
        return nn.Sequential(
            nn.Unflatten(1, (1, 28, 28)),
            nn.Conv2d(1, 32, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(3136, 512), nn.ReLU(), nn.Linear(512, 10),
        )

    class CharLstm(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = nn.Embedding(vocab, 8)
            self.lstm = nn.LSTM(8, 128, batch_first=True)
            self.out = nn.Linear(128, vocab)

        def forward(self, x):
            h, _ = self.lstm(self.embed(x))
            return self.out(h[:, -1])

    return CharLstm()


def run(name, n, batch, vocab, window):
    model = model_of(name, vocab)
    if name == "lstm":
        x = torch.randint(0, vocab, (n, window))
        y = torch.randint(0, vocab, (n,))
    else:
        x = torch.rand(n, 784)
        y = torch.arange(n) % 10
    opt = torch.optim.SGD(model.parameters(), lr=0.05)
    loss_fn = nn.CrossEntropyLoss()

    def epoch():
        perm = torch.randperm(n)
        for start in range(0, n, batch):
            idx = perm[start:start + batch]
            opt.zero_grad()
            loss_fn(model(x[idx]), y[idx]).backward()
            opt.step()

    epoch()  # warm-up
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        epoch()
        times.append(time.perf_counter() - t0)
    return n / sorted(times)[1]


print(json.dumps({m["name"]: run(m["name"], m["n"], m["batch"], m["vocab"], m["window"]) for m in spec}))
