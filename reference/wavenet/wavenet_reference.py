#!/usr/bin/python3
"""Reference vectors for makemore part 5's WaveNet, from real PyTorch.

The code of karpathy/nn-zero-to-hero lectures/makemore/makemore_part5_cnn1.ipynb (commit 74aac39), in its
order of operations, with instrumentation that only reads tensors (it draws nothing from torch's default
generator, so the notebook's stream of random numbers is untouched). See NOTEBOOK.md for the notebook's
own code and printed outputs, README.md for how to run this.

Usage: /usr/bin/python3 wavenet_reference.py [--steps N] [--seed S] [--data names.txt] [--out DIR]
"""
import argparse
import hashlib
import json
import math
import os
import struct
import sys
import time

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, '..', '..', 'ninja-core', 'src', 'test', 'resources', 'ninja', 'reference', 'wavenet')

ap = argparse.ArgumentParser()
ap.add_argument('--steps', type=int, default=200000, help='max_steps (the notebook: 200000)')
ap.add_argument('--seed', type=int, default=42, help='torch.manual_seed before the model (the notebook: 42)')
ap.add_argument('--data', default=os.environ.get('NINJA_DATA', '/work/shared/data/names.txt'))
ap.add_argument('--out', default=DEFAULT_OUT)
args = ap.parse_args()
os.makedirs(args.out, exist_ok=True)

# one thread: reproducible float sums, and the machine is shared
torch.set_num_threads(1)
torch.set_num_interop_threads(1)


# ---------------------------------------------------------------------------------------- instrumentation
def f32_bytes(t):
    """Raw little-endian float32 bytes of a tensor, row-major."""
    t = t.detach().contiguous().to(torch.float32).reshape(-1)
    return struct.pack('<%df' % t.numel(), *t.tolist())


def sha256(t):
    return hashlib.sha256(f32_bytes(t)).hexdigest()


def f32_hex(v):
    return '0x%08x' % struct.unpack('<I', struct.pack('<f', v))[0]


def first_hex(t, n=8):
    return [f32_hex(v) for v in t.detach().reshape(-1)[:n].tolist()]


def param_names(model):
    names = []
    for li, layer in enumerate(model.layers):
        if hasattr(layer, 'gamma'):
            names += ['layers.%d.gamma' % li, 'layers.%d.beta' % li]
        elif hasattr(layer, 'weight'):
            names.append('layers.%d.weight' % li)
            if getattr(layer, 'bias', None) is not None:
                names.append('layers.%d.bias' % li)
    assert len(names) == len(model.parameters())
    return names


def describe(model, params):
    return [{'name': n, 'shape': list(p.shape), 'sha256': sha256(p), 'first': first_hex(p)}
            for n, p in zip(param_names(model), params)]


def dump(name, obj):
    with open(os.path.join(args.out, name), 'w') as f:
        json.dump(obj, f, indent=1)
        f.write('\n')


# generator check (before the notebook's seed, which resets the default generator anyway):
# torch.manual_seed(42) then the default generator gives the same stream as torch.Generator().manual_seed(42)
torch.manual_seed(42)
default_randn = torch.randn(6).tolist()
default_randint = torch.randint(0, 182625, (8,)).tolist()
g = torch.Generator().manual_seed(42)
own_randn = torch.randn(6, generator=g).tolist()
own_randint = torch.randint(0, 182625, (8,), generator=g).tolist()
generator_check = {
    'default_after_manual_seed_42': {'randn6': [f32_hex(v) for v in default_randn], 'randint8': default_randint},
    'Generator_manual_seed_42': {'randn6': [f32_hex(v) for v in own_randn], 'randint8': own_randint},
    'same': default_randn == own_randn and default_randint == own_randint,
}
print('generator check: default', default_randn[:3], default_randint[:3], '| own', own_randn[:3], own_randint[:3],
      '| same:', generator_check['same'])

# ---------------------------------------------------------------------------------------- notebook cell 2
# read in all the words
words = open(args.data, 'r').read().splitlines()
print(len(words))
print(max(len(w) for w in words))
print(words[:8])

# ---------------------------------------------------------------------------------------- cell 3
# build the vocabulary of characters and mappings to/from integers
chars = sorted(list(set(''.join(words))))
stoi = {s: i + 1 for i, s in enumerate(chars)}
stoi['.'] = 0
itos = {i: s for s, i in stoi.items()}
vocab_size = len(itos)
print(itos)
print(vocab_size)

# ---------------------------------------------------------------------------------------- cell 4
# shuffle up the words
import random
random.seed(42)
random.shuffle(words)

# ---------------------------------------------------------------------------------------- cell 5
# build the dataset
block_size = 8  # context length: how many characters do we take to predict the next one?


def build_dataset(words):
    X, Y = [], []

    for w in words:
        context = [0] * block_size
        for ch in w + '.':
            ix = stoi[ch]
            X.append(context)
            Y.append(ix)
            context = context[1:] + [ix]  # crop and append

    X = torch.tensor(X)
    Y = torch.tensor(Y)
    print(X.shape, Y.shape)
    return X, Y


n1 = int(0.8 * len(words))
n2 = int(0.9 * len(words))
Xtr, Ytr = build_dataset(words[:n1])  # 80%
Xdev, Ydev = build_dataset(words[n1:n2])  # 10%
Xte, Yte = build_dataset(words[n2:])  # 10%


# ---------------------------------------------------------------------------------------- cell 7
# Near copy paste of the layers we have developed in Part 3

class Linear:

    def __init__(self, fan_in, fan_out, bias=True):
        self.weight = torch.randn((fan_in, fan_out)) / fan_in ** 0.5  # note: kaiming init
        self.bias = torch.zeros(fan_out) if bias else None

    def __call__(self, x):
        self.out = x @ self.weight
        if self.bias is not None:
            self.out += self.bias
        return self.out

    def parameters(self):
        return [self.weight] + ([] if self.bias is None else [self.bias])


class BatchNorm1d:

    def __init__(self, dim, eps=1e-5, momentum=0.1):
        self.eps = eps
        self.momentum = momentum
        self.training = True
        # parameters (trained with backprop)
        self.gamma = torch.ones(dim)
        self.beta = torch.zeros(dim)
        # buffers (trained with a running 'momentum update')
        self.running_mean = torch.zeros(dim)
        self.running_var = torch.ones(dim)

    def __call__(self, x):
        # calculate the forward pass
        if self.training:
            if x.ndim == 2:
                dim = 0
            elif x.ndim == 3:
                dim = (0, 1)
            xmean = x.mean(dim, keepdim=True)  # batch mean
            xvar = x.var(dim, keepdim=True)  # batch variance
        else:
            xmean = self.running_mean
            xvar = self.running_var
        xhat = (x - xmean) / torch.sqrt(xvar + self.eps)  # normalize to unit variance
        self.out = self.gamma * xhat + self.beta
        # update the buffers
        if self.training:
            with torch.no_grad():
                self.running_mean = (1 - self.momentum) * self.running_mean + self.momentum * xmean
                self.running_var = (1 - self.momentum) * self.running_var + self.momentum * xvar
        return self.out

    def parameters(self):
        return [self.gamma, self.beta]


class Tanh:
    def __call__(self, x):
        self.out = torch.tanh(x)
        return self.out

    def parameters(self):
        return []


class Embedding:

    def __init__(self, num_embeddings, embedding_dim):
        self.weight = torch.randn((num_embeddings, embedding_dim))

    def __call__(self, IX):
        self.out = self.weight[IX]
        return self.out

    def parameters(self):
        return [self.weight]


class FlattenConsecutive:

    def __init__(self, n):
        self.n = n

    def __call__(self, x):
        B, T, C = x.shape
        x = x.view(B, T // self.n, C * self.n)
        if x.shape[1] == 1:
            x = x.squeeze(1)
        self.out = x
        return self.out

    def parameters(self):
        return []


class Sequential:

    def __init__(self, layers):
        self.layers = layers

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        self.out = x
        return self.out

    def parameters(self):
        # get parameters of all layers and stretch them out into one list
        return [p for layer in self.layers for p in layer.parameters()]


# ---------------------------------------------------------------------------------------- cell 9 (as a function,
# so that the same code also makes the second, seed-1337 initialisation)
def make_model():
    # hierarchical network
    n_embd = 24  # the dimensionality of the character embedding vectors
    n_hidden = 128  # the number of neurons in the hidden layer of the MLP
    model = Sequential([
        Embedding(vocab_size, n_embd),
        FlattenConsecutive(2), Linear(n_embd * 2, n_hidden, bias=False), BatchNorm1d(n_hidden), Tanh(),
        FlattenConsecutive(2), Linear(n_hidden * 2, n_hidden, bias=False), BatchNorm1d(n_hidden), Tanh(),
        FlattenConsecutive(2), Linear(n_hidden * 2, n_hidden, bias=False), BatchNorm1d(n_hidden), Tanh(),
        Linear(n_hidden, vocab_size),
    ])

    # parameter init
    with torch.no_grad():
        model.layers[-1].weight *= 0.1  # last layer make less confident
    return model


# the second initialisation first: the notebook's torch.manual_seed(42) below resets the default generator
torch.manual_seed(1337)
model_1337 = make_model()
init_1337 = describe(model_1337, model_1337.parameters())
del model_1337

# ---------------------------------------------------------------------------------------- cell 8
torch.manual_seed(args.seed)  # seed rng for reproducibility

# ---------------------------------------------------------------------------------------- cell 9
model = make_model()
parameters = model.parameters()
n_params = sum(p.nelement() for p in parameters)
print(n_params)  # number of parameters in total
for p in parameters:
    p.requires_grad = True

names = param_names(model)
dump('init.json', {
    'source': 'reference/wavenet/wavenet_reference.py: makemore_part5_cnn1.ipynb, real PyTorch %s' % torch.__version__,
    'note': 'parameters in model.parameters() order right after init (last Linear weight already *0.1); '
            'sha256 of the raw little-endian float32 bytes, row-major; first 8 values as float32 bit patterns',
    'seed': args.seed, 'n_params': n_params,
    'parameters': describe(model, parameters),
    'seed_1337': {'n_params': sum(math.prod(p['shape']) for p in init_1337), 'parameters': init_1337},
})

# ---------------------------------------------------------------------------------------- cell 10
# same optimization as last time
max_steps = args.steps
batch_size = 32
lossi = []
KEEP_ALL = 2000
EVERY = 100

# losses.txt is written as the run goes, so that an interrupted run still leaves its first steps
losses_file = open(os.path.join(args.out, 'losses.txt'), 'w')
losses_file.write('# step loss(%%.9g) loss(float32 bits): every step 0..%d, then every %dth step to %d; seed %d, '
                  'PyTorch %s, 1 thread\n' % (KEEP_ALL - 1, EVERY, ((max_steps - 1) // EVERY) * EVERY, args.seed,
                                              torch.__version__))
t0 = time.time()
for i in range(max_steps):

    # minibatch construct
    ix = torch.randint(0, Xtr.shape[0], (batch_size,))
    Xb, Yb = Xtr[ix], Ytr[ix]  # batch X,Y

    # forward pass
    logits = model(Xb)
    loss = F.cross_entropy(logits, Yb)  # loss function

    # backward pass
    for p in parameters:
        p.grad = None
    loss.backward()

    if i == 0:  # instrumentation: the step-0 batch, loss, forward outputs and gradients, before the update
        grads = b''.join(f32_bytes(p.grad) for p in parameters)
        with open(os.path.join(args.out, 'step0_grads.f32'), 'wb') as f:
            f.write(grads)
        offset, layout = 0, []
        for n, p in zip(names, parameters):
            layout.append({'name': n, 'shape': list(p.shape), 'offset_floats': offset, 'sha256': sha256(p.grad),
                           'first': first_hex(p.grad)})
            offset += p.nelement()
        step0 = {
            'ix': ix.tolist(),
            'Yb': Yb.tolist(),
            'loss_f32': f32_hex(loss.item()), 'loss': '%.9g' % loss.item(), 'loss_4': '%.4f' % loss.item(),
            'outputs': [{'layer': li, 'type': type(layer).__name__, 'shape': list(layer.out.shape),
                         'sha256': sha256(layer.out), 'first': first_hex(layer.out)}
                        for li, layer in enumerate(model.layers)],
            'grads_file': 'step0_grads.f32', 'grads_floats': offset,
            'grads_sha256': hashlib.sha256(grads).hexdigest(),
            'grads': layout,
        }

    # update: simple SGD
    lr = 0.1 if i < 150000 else 0.01  # step learning rate decay
    for p in parameters:
        p.data += -lr * p.grad

    if i == 0:
        step0['after_update'] = [{'name': n, 'sha256': sha256(p), 'first': first_hex(p)}
                                 for n, p in zip(names, parameters)]
        dump('step0.json', step0)

    # track stats
    if i % 10000 == 0:  # print every once in a while
        print(f'{i:7d}/{max_steps:7d}: {loss.item():.4f}', flush=True)
    lossi.append(loss.log10().item())
    if i < KEEP_ALL or i % EVERY == 0:
        losses_file.write('%d %.9g %s\n' % (i, loss.item(), f32_hex(loss.item())))
        if i % 1000 == 0:
            losses_file.flush()
wall = time.time() - t0

losses_file.close()

# ---------------------------------------------------------------------------------------- cell 12
# put layers into eval mode (needed for batchnorm especially)
for layer in model.layers:
    layer.training = False

# ---------------------------------------------------------------------------------------- cell 13
split = {}


# evaluate the loss
@torch.no_grad()  # this decorator disables gradient tracking inside pytorch
def split_loss(name):
    x, y = {
        'train': (Xtr, Ytr),
        'val': (Xdev, Ydev),
        'test': (Xte, Yte),
    }[name]
    logits = model(x)
    loss = F.cross_entropy(logits, y)
    print(name, loss.item())
    split[name] = {'loss': loss.item(), 'loss_f32': f32_hex(loss.item()), 'loss_4': '%.4f' % loss.item()}


split_loss('train')
split_loss('val')
split_loss('test')  # not in the notebook; draws nothing from the generator

# ---------------------------------------------------------------------------------------- cell 15
# sample from the model
samples = []
for _ in range(20):

    out = []
    context = [0] * block_size  # initialize with all ...
    while True:
        # forward pass the neural net
        logits = model(torch.tensor([context]))
        probs = F.softmax(logits, dim=1)
        # sample from the distribution
        ix = torch.multinomial(probs, num_samples=1).item()
        # shift the context window and track the samples
        context = context[1:] + [ix]
        out.append(ix)
        # if we sample the special '.' token, break
        if ix == 0:
            break

    print(''.join(itos[i] for i in out))  # decode and print the generated word
    samples.append(''.join(itos[i] for i in out))

bn = [{'layer': li, 'running_mean_shape': list(layer.running_mean.shape), 'running_mean_sha256': sha256(layer.running_mean),
       'running_mean_first': first_hex(layer.running_mean),
       'running_var_shape': list(layer.running_var.shape), 'running_var_sha256': sha256(layer.running_var),
       'running_var_first': first_hex(layer.running_var)}
      for li, layer in enumerate(model.layers) if isinstance(layer, BatchNorm1d)]
dump('summary.json', {
    'torch_version': torch.__version__,
    'python': sys.version.split()[0],
    'threads': torch.get_num_threads(),
    'blas': sorted({l.split()[-1] for l in open('/proc/self/maps') if 'blas' in l}),
    'seed': args.seed, 'steps': max_steps, 'batch_size': batch_size,
    'wall_seconds_training_loop': round(wall, 1),
    'splits': {'train': (Xtr.shape[0]), 'val': (Xdev.shape[0]), 'test': (Xte.shape[0])},
    'split_loss_eval_mode': split,
    'samples': samples,
    'batchnorm_running_stats': bn,
    'parameters_after_training': [{'name': n, 'sha256': sha256(p), 'first': first_hex(p)}
                                  for n, p in zip(names, parameters)],
    'generator_check': generator_check,
})
