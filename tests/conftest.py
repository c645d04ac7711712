"Parallel notebook tests share the machine's cores: each pytest-xdist worker gets its share of torch's threads."
import os


def pytest_configure(config):
    workers = int(os.environ.get('PYTEST_XDIST_WORKER_COUNT', '1'))
    if workers > 1:
        import torch
        torch.set_num_threads(max(1, (os.cpu_count() or 1) // workers))
