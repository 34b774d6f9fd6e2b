"""PyTorch's sgemm rate (MKL) at 1024³ on 2 threads, to compare with `privlab bench gemm`.

    bench/.venv/bin/python bench/torch_gemm.py
    MKL_ENABLE_INSTRUCTIONS=AVX2 ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2 bench/.venv/bin/python bench/torch_gemm.py
"""
import time

import torch

torch.set_num_threads(2)
a, b = torch.randn(1024, 1024), torch.randn(1024, 1024)
for _ in range(3):
    a @ b
rates = []
for _ in range(5):
    t = time.perf_counter()
    for _ in range(20):
        a @ b
    rates.append(2 * 1024 ** 3 * 20 / (time.perf_counter() - t) / 1e9)
print(f"torch {torch.__version__}, CPU capability {torch.backends.cpu.get_cpu_capability()}: "
      f"sgemm 1024³ {sorted(rates)[2]:.1f} GFLOP/s (median of 5)")
