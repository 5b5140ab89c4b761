"""Drive the Noda-Okumura-Hashimoto peer simulator for hashfall's tests.

The peer (okuchap/DAA_Lucas, MIT) stays in its own folder, given as the
first argument; this script imports it from there and changes none of its
files. It feeds the peer exogenous inputs the way the peer's own
generate_simulation_data does (sim_BTC/sim_BCH take prices and exprvs).

    noda_peer.py PEER_DIR replay btc|bch LENGTH INPUTS.csv
        INPUTS.csv: header price_usd,exp1; row k is the price at grid point
        k and the Exp(1) draw of simulated block k. The peer reads draw t
        at period t and starts at period 2015, so the draws are shifted by
        2015 (the unused slots are NaN, so a misuse would show). Prints one
        CSV row per reported block: block_time_min, winning_rate, hash_rate,
        price.
    noda_peer.py PEER_DIR dist btc|bch LENGTH RUNS SEED
        RUNS runs on the peer's own numpy random numbers (prices seeded
        SEED+i, draws SEED+RUNS+i); prints mean block time, final winning
        rate and longest block time per run.
    noda_peer.py PEER_DIR bench btc|bch LENGTH RUNS
        Prints "blocks wall_seconds cpu_seconds" for RUNS runs with the
        peer's default inputs (run_peer.py's loop), timed inside Python.
"""
import os
import sys
import time
import types

peer_dir, mode, rule, length = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
os.environ.setdefault("MPLBACKEND", "Agg")
try:
    import matplotlib.pyplot  # noqa: F401  (the peer's hash.py imports it for plots only)
except ImportError:
    mpl = types.ModuleType("matplotlib")
    mpl.pyplot = types.ModuleType("matplotlib.pyplot")
    sys.modules["matplotlib"], sys.modules["matplotlib.pyplot"] = mpl, mpl.pyplot
sys.path.insert(0, peer_dir)
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from simulation_fixed_path import simulation  # noqa: E402

PRESIM = 2016


def new_sim():
    prev = pd.DataFrame({"prices": np.ones(PRESIM) * 5400,
                         "block_times": np.ones(PRESIM) * 10.0,
                         "winning_rates": np.ones(PRESIM) * 0.00003})
    return simulation(length=length, prev_data=prev)


def run(s, prices, exprvs):
    if rule == "btc":
        return s.sim_BTC(prices=prices, exprvs=exprvs)
    return s.sim_BCH(prices=prices, exprvs=exprvs)


if mode == "replay":
    df = pd.read_csv(sys.argv[5], float_precision="round_trip")
    prices = pd.Series(df["price_usd"].to_numpy())
    exprvs = pd.Series(np.concatenate([np.full(PRESIM - 1, np.nan), df["exp1"].to_numpy()]))
    s = new_sim()
    bt = run(s, prices, exprvs)
    out = pd.DataFrame({"block_time_min": bt, "winning_rate": s.winning_rates,
                        "hash_rate": s.hash_rates, "price": s.prices})
    out.to_csv(sys.stdout, index=False, float_format="%.17g")
elif mode == "dist":
    runs, seed = int(sys.argv[5]), int(sys.argv[6])
    print("mean_block_time_min,final_winning_rate,max_block_time_min")
    for i in range(runs):
        s = new_sim()
        prices = pd.Series(s.generate_prices(seed=seed + i))
        exprvs = pd.Series(s.generate_exprvs(seed=seed + runs + i))
        bt = run(s, prices, exprvs)
        print("%.17g,%.17g,%.17g" % (np.mean(bt), s.winning_rates[-1], np.max(bt)))
elif mode == "bench":
    runs = int(sys.argv[5])
    blocks = 0
    t0, c0 = time.perf_counter(), time.process_time()
    for i in range(runs):
        s = new_sim()
        prices = pd.Series(s.generate_prices(seed=i))
        exprvs = pd.Series(s.generate_exprvs(seed=1000 + i))
        blocks += len(run(s, prices, exprvs)) + 1  # + the unreported first block, as hashfall counts
    print(blocks, time.perf_counter() - t0, time.process_time() - c0)
else:
    sys.exit("unknown mode " + mode)
