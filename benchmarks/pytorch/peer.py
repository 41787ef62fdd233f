"""PyTorch peers of `omni bench-peer`: the same workloads, shapes and sizes. Prints one JSON line:
{"workload", "size", "unit", "values": per-iteration rates, "framework", "peer", "threads"}.

  --impl handwritten   this file's Qwen3 decoder and SNAC-style codec, written for the comparison
  --impl hf            the LM workloads on Hugging Face transformers' Qwen3ForCausalLM (sdpa), the
                       model a user would pick (needs transformers)
  --precision bf16     under torch.autocast("cpu", dtype=torch.bfloat16), PyTorch's mixed precision

benchmarks/compare runs it in the virtual environment it makes (torch 2.x, transformers)."""
import json, math, sys, time, wave, argparse
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils import weight_norm

# ---------------------------------------------------------------- Qwen3

LM = {  # mirrors PeerBenchCommand.LM_SIZES
    "small": dict(vocab=264, hidden=256, inter=768, layers=4, heads=4, kv=2, hd=64, batch=8, seq=256),
    "real": dict(vocab=7488, hidden=512, inter=1536, layers=8, heads=8, kv=4, hd=64, batch=4, seq=1024),
}

class RMSNorm(nn.Module):
    def __init__(self, n, eps=1e-6):
        super().__init__(); self.weight = nn.Parameter(torch.ones(n)); self.eps = eps
    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight

def rope(x, cos, sin):  # half-split rotation, x [B, H, T, D]
    h = x.shape[-1] // 2
    x1, x2 = x[..., :h], x[..., h:]
    return torch.cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], -1)

class Lin(nn.Linear):
    """nn.Linear, but in inference (no grad) it multiplies by a cached contiguous W^T: on Debian's
    torch 1.13 + OpenBLAS, F.linear on one row took 153 us for 512 -> 1536 where x @ W^T took 53,
    so the peer's decode uses the faster form (measured on this machine, 2 threads)."""
    def forward(self, x):
        if torch.is_grad_enabled():
            return F.linear(x, self.weight)
        if getattr(self, "wt", None) is None:
            self.wt = self.weight.detach().t().contiguous()
        return x @ self.wt

class Layer(nn.Module):
    def __init__(s, c):
        super().__init__()
        C, H, K, D, I = c["hidden"], c["heads"], c["kv"], c["hd"], c["inter"]
        s.H, s.K, s.D = H, K, D
        s.ln1, s.ln2 = RMSNorm(C), RMSNorm(C)
        s.q, s.k, s.v, s.o = Lin(C, H * D, bias=False), Lin(C, K * D, bias=False), Lin(C, K * D, bias=False), Lin(H * D, C, bias=False)
        s.qn, s.kn = RMSNorm(D), RMSNorm(D)
        s.gate, s.up, s.down = Lin(C, I, bias=False), Lin(C, I, bias=False), Lin(I, C, bias=False)

    def forward(s, x, cos, sin, cache=None, pos=0):
        B, T, _ = x.shape
        h = s.ln1(x)
        q = s.qn(s.q(h).view(B, T, s.H, s.D)).transpose(1, 2)
        k = s.kn(s.k(h).view(B, T, s.K, s.D)).transpose(1, 2)
        v = s.v(h).view(B, T, s.K, s.D).transpose(1, 2)
        q, k = rope(q, cos, sin), rope(k, cos, sin)
        if cache is not None:
            cache[0][:, :, pos:pos + T] = k; cache[1][:, :, pos:pos + T] = v
            k, v = cache[0][:, :, :pos + T], cache[1][:, :, :pos + T]
        # grouped-query attention by broadcasting each kv head over its group of query heads
        # (repeat_interleave copies, and took 450 us per call with 2 threads on this build)
        g, L = s.H // s.K, k.shape[2]
        a = (q.view(B, s.K, g, T, s.D) @ k.unsqueeze(2).transpose(-1, -2)) / math.sqrt(s.D)
        if T > 1:
            mask = torch.ones(T, L, dtype=torch.bool).tril(L - T)
            a = a.masked_fill(~mask, float("-inf"))
        y = (a.softmax(-1) @ v.unsqueeze(2)).view(B, s.H, T, s.D).transpose(1, 2).reshape(B, T, s.H * s.D)
        x = x + s.o(y)
        h = s.ln2(x)
        return x + s.down(F.silu(s.gate(h)) * s.up(h))

class Qwen3(nn.Module):
    def __init__(s, c):
        super().__init__()
        s.c = c
        s.emb = nn.Embedding(c["vocab"], c["hidden"])
        s.layers = nn.ModuleList([Layer(c) for _ in range(c["layers"])])
        s.norm = RMSNorm(c["hidden"])
        inv = 10000.0 ** (-torch.arange(0, c["hd"] // 2, dtype=torch.float64) * 2 / c["hd"])
        ang = torch.arange(4096, dtype=torch.float64)[:, None] * inv[None]
        s.cos, s.sin = ang.cos().float(), ang.sin().float()
        for p in s.parameters():
            if p.dim() > 1: nn.init.normal_(p, std=0.02)

    def forward(s, ids, caches=None, pos=0, last_only=False):
        T = ids.shape[1]
        cos, sin = s.cos[pos:pos + T], s.sin[pos:pos + T]
        x = s.emb(ids)
        for i, l in enumerate(s.layers):
            x = l(x, cos, sin, None if caches is None else caches[i], pos)
        if last_only: x = x[:, -1:]  # inference needs only the next token's logits
        if not torch.is_grad_enabled():  # the contiguous-transpose form, as in Lin
            if getattr(s, "emb_t", None) is None: s.emb_t = s.emb.weight.detach().t().contiguous()
            return s.norm(x) @ s.emb_t
        return s.norm(x) @ s.emb.weight.t()  # tied lm_head

IMPL, AUTOCAST = "handwritten", None  # set from the command line

def autocast():
    """bf16 autocast when asked (matmuls and convolutions in bf16, reductions in float32), else nothing."""
    return torch.autocast("cpu", dtype=torch.bfloat16) if AUTOCAST else torch.autocast("cpu", enabled=False)

def hf_qwen3(c):
    """transformers' Qwen3ForCausalLM at the same shape (tied embeddings, q/k norm, GQA, sdpa attention)."""
    from transformers import Qwen3Config, Qwen3ForCausalLM
    cfg = Qwen3Config(vocab_size=c["vocab"], hidden_size=c["hidden"], intermediate_size=c["inter"], num_hidden_layers=c["layers"],
                      num_attention_heads=c["heads"], num_key_value_heads=c["kv"], head_dim=c["hd"], tie_word_embeddings=True,
                      max_position_embeddings=4096, rope_theta=10000.0, attn_implementation="sdpa")
    return Qwen3ForCausalLM(cfg).float()

def lm_model(c):
    return hf_qwen3(c) if IMPL == "hf" else Qwen3(c)

def lm_logits(m, ids):
    return m(input_ids=ids).logits if IMPL == "hf" else m(ids)

def lm_train(size, iters):
    c = LM[size]; m = lm_model(c)
    opt = torch.optim.AdamW(m.parameters(), lr=1e-4, betas=(0.9, 0.95), weight_decay=0.1)
    g = torch.Generator().manual_seed(1)
    ids = torch.randint(0, c["vocab"], (c["batch"], c["seq"] + 1), generator=g)
    out = []
    for i in range(iters):
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=False)
        with autocast():
            logits = lm_logits(m, ids[:, :-1])
            loss = F.cross_entropy(logits.reshape(-1, c["vocab"]).float(), ids[:, 1:].reshape(-1))
        loss.backward(); opt.step()
        out.append(c["batch"] * c["seq"] / (time.perf_counter() - t0))
    return "tokens/s", out

def lm_prefill(size, iters):
    c = LM[size]; m = lm_model(c).eval()
    ids = torch.randint(0, c["vocab"], (1, c["seq"]), generator=torch.Generator().manual_seed(1))
    out = []
    with torch.inference_mode(), autocast():
        for i in range(iters):
            t0 = time.perf_counter()
            if IMPL == "hf": m(input_ids=ids, logits_to_keep=1)
            else: m(ids, last_only=True)
            out.append(c["seq"] / (time.perf_counter() - t0))
    return "tokens/s", out

DECODE_PROMPT, DECODE_TOKENS = 16, 128

def hf_decode(m, prompt):
    """transformers' own cached generation loop, greedy: prefill (not timed), then DECODE_TOKENS single-token steps."""
    from transformers import DynamicCache
    cache = DynamicCache()
    o = m(input_ids=prompt, past_key_values=cache, use_cache=True, logits_to_keep=1)
    tok = o.logits[:, -1].argmax(-1, keepdim=True)
    t0 = time.perf_counter()
    for j in range(DECODE_TOKENS):
        o = m(input_ids=tok, past_key_values=o.past_key_values, use_cache=True)
        tok = o.logits[:, -1].argmax(-1, keepdim=True)
    return DECODE_TOKENS / (time.perf_counter() - t0)

def lm_decode(size, iters):
    c = LM[size]; m = lm_model(c).eval()
    prompt = torch.randint(0, c["vocab"], (1, DECODE_PROMPT), generator=torch.Generator().manual_seed(1))
    out = []
    if IMPL == "hf":
        with torch.inference_mode(), autocast():
            for i in range(iters): out.append(hf_decode(m, prompt))
        return "tokens/s", out
    with torch.inference_mode(), autocast():
        for i in range(iters):
            caches = [(torch.zeros(1, c["kv"], DECODE_PROMPT + DECODE_TOKENS, c["hd"]), torch.zeros(1, c["kv"], DECODE_PROMPT + DECODE_TOKENS, c["hd"])) for _ in range(c["layers"])]
            logits = m(prompt, caches, 0, last_only=True)  # prefill, not timed
            tok = logits[:, -1].argmax(-1, keepdim=True)
            t0 = time.perf_counter()
            for j in range(DECODE_TOKENS):
                logits = m(tok, caches, DECODE_PROMPT + j)
                tok = logits[:, -1].argmax(-1, keepdim=True)
            out.append(DECODE_TOKENS / (time.perf_counter() - t0))
    return "tokens/s", out

# ---------------------------------------------------------------- SNAC-style codec

CODEC = {  # mirrors SnacConfig: ours (CodecTrainCommand.DEFAULT) and SNAC 24 kHz
    "small": dict(enc=16, enc_rates=[2, 4, 8, 8], dec=256, dec_rates=[8, 8, 4, 2], codes=1024, cdim=8, strides=[4, 2, 1]),
    "real": dict(enc=48, enc_rates=[2, 4, 8, 8], dec=1024, dec_rates=[8, 8, 4, 2], codes=4096, cdim=8, strides=[4, 2, 1]),
}

def wconv(*a, **k): return weight_norm(nn.Conv1d(*a, **k))

class Snake(nn.Module):
    def __init__(s, c): super().__init__(); s.alpha = nn.Parameter(torch.ones(1, c, 1))
    def forward(s, x): return x + (s.alpha + 1e-9).reciprocal() * torch.sin(s.alpha * x).pow(2)

class RU(nn.Module):
    def __init__(s, c, dil, groups):
        super().__init__()
        s.b = nn.Sequential(Snake(c), wconv(c, c, 7, dilation=dil, padding=3 * dil, groups=groups), Snake(c), wconv(c, c, 1))
    def forward(s, x): return x + s.b(x)

class Noise(nn.Module):
    def __init__(s, c): super().__init__(); s.lin = wconv(c, c, 1, bias=False)
    def forward(s, x): return x + torch.randn(x.shape[0], 1, x.shape[2]) * s.lin(x)

def decoder(c):
    L = c["enc"] * 2 ** len(c["enc_rates"]); ch = c["dec"]
    layers = [wconv(L, L, 7, padding=3, groups=L), wconv(L, ch, 1)]
    for i, st in enumerate(c["dec_rates"]):
        i_, o = ch >> i, ch >> (i + 1)
        layers += [nn.Sequential(Snake(i_), weight_norm(nn.ConvTranspose1d(i_, o, 2 * st, st, padding=math.ceil(st / 2), output_padding=st % 2)),
                                 Noise(o), RU(o, 1, o), RU(o, 3, o), RU(o, 9, o))]
    o = ch >> len(c["dec_rates"])
    layers += [Snake(o), wconv(o, 1, 7, padding=3), nn.Tanh()]
    return nn.Sequential(*layers)

def encoder(c):
    d = c["enc"]; layers = [wconv(1, d, 7, padding=3)]
    for st in c["enc_rates"]:
        layers += [nn.Sequential(RU(d, 1, d), RU(d, 3, d), RU(d, 9, d), Snake(d), wconv(d, 2 * d, 2 * st, st, padding=math.ceil(st / 2)))]
        d *= 2
    layers += [wconv(d, d, 7, padding=3, groups=d)]
    return nn.Sequential(*layers)

class VQ(nn.Module):
    def __init__(s, L, n, cd, stride):
        super().__init__(); s.stride = stride
        s.inp, s.outp = wconv(L, cd, 1), wconv(cd, L, 1); s.cb = nn.Embedding(n, cd)
    def forward(s, z):
        if s.stride > 1: z = F.avg_pool1d(z, s.stride, s.stride)
        ze = s.inp(z)
        e = ze.transpose(1, 2).reshape(-1, ze.shape[1])
        idx = (F.normalize(e) @ F.normalize(s.cb.weight).t()).argmax(-1)
        zq = s.cb(idx).view(ze.shape[0], -1, ze.shape[1]).transpose(1, 2)
        loss = 0.25 * F.mse_loss(ze, zq.detach()) + F.mse_loss(zq, ze.detach())
        zq = s.outp(ze + (zq - ze).detach())
        if s.stride > 1: zq = zq.repeat_interleave(s.stride, -1)
        return zq, loss

class Codec(nn.Module):
    def __init__(s, c):
        super().__init__()
        L = c["enc"] * 2 ** len(c["enc_rates"])
        s.enc, s.dec = encoder(c), decoder(c)
        s.vq = nn.ModuleList([VQ(L, c["codes"], c["cdim"], st) for st in c["strides"]])
    def forward(s, x):
        z = s.enc(x); r = z; zq = 0; vql = 0
        for q in s.vq:
            y, l = q(r); r = r - y; zq = zq + y; vql = vql + l
        return s.dec(zq), vql

def mel_filters(rate, nfft, nmels):  # triangular mel filters; for timing only their shapes matter
    mel = lambda f: 2595 * np.log10(1 + f / 700); hz = lambda m: 700 * (10 ** (m / 2595) - 1)
    pts = hz(np.linspace(mel(0), mel(rate / 2), nmels + 2)); bins = np.arange(nfft // 2 + 1) * rate / nfft
    fb = np.zeros((nmels, nfft // 2 + 1))
    for m in range(nmels):
        lo, c, hi = pts[m], pts[m + 1], pts[m + 2]
        fb[m] = np.clip(np.minimum((bins - lo) / (c - lo), (hi - bins) / (hi - c)), 0, None)
        if fb[m].sum() > 0: fb[m] /= fb[m].sum()
    return torch.tensor(fb, dtype=torch.float32)

MEL = [(256, 20), (512, 40), (1024, 80), (2048, 160)]; STFT = [512, 1024, 2048]

class Spectral:
    def __init__(s, rate):
        s.fb = {n: mel_filters(rate, n, m) for n, m in MEL}; s.win = {n: torch.hann_window(n, periodic=True) for n in set([n for n, _ in MEL] + STFT)}
    def mag(s, x, n):
        return torch.stft(x.squeeze(1), n, n // 4, window=s.win[n], center=False, return_complex=True).abs()
    def __call__(s, y, x):
        mel = sum((torch.log10((s.fb[n] @ s.mag(y, n)).clamp(min=1e-5)) - torch.log10((s.fb[n] @ s.mag(x, n)).clamp(min=1e-5))).abs().mean() for n, _ in MEL) / len(MEL)
        st = sum((torch.log(s.mag(y, n) + 1e-5) - torch.log(s.mag(x, n) + 1e-5)).abs().mean() for n in STFT) / len(STFT)
        return mel, st

def speech(samples):
    """The committed real teacher clip, resampled to 24 kHz (linear interpolation) and tiled."""
    with wave.open("src/test/resources/speech/birch_flite_rms_16k.wav") as w:
        x = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768
        r = w.getframerate()
    t = np.arange(int(len(x) * 24000 / r)) * r / 24000
    y = np.interp(t, np.arange(len(x)), x).astype(np.float32)
    return torch.tensor(np.resize(y, samples))

CODEC_FRAMES, TRAIN_BATCH, TRAIN_SEGMENT = 48, 4, 12288

def codec_decode(size, iters):
    c = CODEC[size]; torch.manual_seed(1); m = Codec(c).eval()
    L = c["enc"] * 2 ** len(c["enc_rates"]); hop = int(np.prod(c["enc_rates"]))
    z = torch.randn(1, L, CODEC_FRAMES)
    with torch.inference_mode():
        zq = sum(q(z)[0] for q in m.vq)  # codes -> latent, as SnacCodec.quantizedLatent
        out = []
        for i in range(iters):
            t0 = time.perf_counter()
            with autocast(): m.dec(zq)
            dt = time.perf_counter() - t0
            out.append(dt / (CODEC_FRAMES * hop / 24000))
    return "RTF", out

def codec_train(size, iters):
    c = CODEC[size]; torch.manual_seed(1); m = Codec(c)
    opt = torch.optim.AdamW(m.parameters(), lr=1e-4, betas=(0.8, 0.99), weight_decay=0.01)
    loss_fn = Spectral(24000); x = speech(TRAIN_BATCH * TRAIN_SEGMENT).view(TRAIN_BATCH, 1, TRAIN_SEGMENT)
    out = []
    for i in range(iters):
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=False)
        with autocast(): y, vq = m(x)
        mel, st = loss_fn(y.float(), x)
        (15 * mel + st + vq).backward(); opt.step()
        out.append(TRAIN_BATCH * TRAIN_SEGMENT / 24000 / (time.perf_counter() - t0))
    return "audio s/s", out

WORKLOADS = dict(lm_train=lm_train, lm_prefill=lm_prefill, lm_decode=lm_decode, codec_decode=codec_decode, codec_train=codec_train)

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("workload", choices=WORKLOADS); ap.add_argument("--size", default="small", choices=["small", "real"])
    ap.add_argument("--warmup", type=int, default=2); ap.add_argument("--iters", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--impl", default="handwritten", choices=["handwritten", "hf"])
    ap.add_argument("--precision", default="fp32", choices=["fp32", "bf16"])
    a = ap.parse_args()
    if a.impl == "hf" and not a.workload.startswith("lm_"): sys.exit(f"peer: --impl hf is for the LM workloads, not {a.workload}")
    IMPL, AUTOCAST = a.impl, a.precision == "bf16"
    torch.set_num_threads(a.threads); torch.manual_seed(0)
    torch.set_flush_denormal(True)  # a standard CPU setting; it helped decode by about 5% here
    WORKLOADS[a.workload](a.size, a.warmup)
    unit, vals = WORKLOADS[a.workload](a.size, a.iters)
    fw = "pytorch " + torch.__version__ + ("" if a.impl != "hf" else ", transformers " + __import__("transformers").__version__)
    print(json.dumps(dict(workload=a.workload, size=a.size, unit=unit, values=vals, framework=fw, peer=f"{a.impl} {a.precision}",
                          threads=torch.get_num_threads())))
