("Parallel notebook tests share the machine's cores: each pytest-xdist worker, and every process it starts, "
 "gets its share of torch's threads.")
import os


def pytest_configure(config):
    workers = int(os.environ.get('PYTEST_XDIST_WORKER_COUNT', '1'))
    if workers > 1:
        import torch
        from flp_nb.workers import default_workers  # the cores this process may use
        threads = max(1, default_workers('cpu') // workers)
        # subprocesses (a run killed and resumed here) train with the same count, so resumes stay bit-exact
        os.environ['OMP_NUM_THREADS'] = str(threads)
        torch.set_num_threads(threads)
