// Package consensus is Bitcoin Core's integer consensus arithmetic for
// proof of work and issuance, reproduced bit for bit so that every other
// hashfall package computes with the network's own numbers.
//
// # Targets and compact bits
//
// A block header carries its target as 32-bit compact "bits": a size byte
// and a 23-bit mantissa with a sign bit. [CompactToTarget] and
// [TargetToCompact] are Core's arith_uint256::SetCompact and GetCompact,
// including the negative and overflow flags and the truncation on encoding.
// [DifficultyFromBits] is Core's GetDifficulty; [BlockWork] (Core's
// GetBlockProof) and [WorkFromTarget] give the expected hashes per block,
// ⌊2^256/(target+1)⌋, whose running sum over blocks 0..h is the chainwork at
// height h ([PeriodWork] sums a run of equal-bits blocks).
//
// # Retargeting
//
// [NextWorkRequired] is Core's CalculateNextWorkRequired: the timespan of a
// 2016-block period (measured across its 2015 intervals) is clamped to
// [302400, 4838400] s, the target is scaled by timespan/1209600 s and
// rounded down, capped at powLimit, and encoded to compact bits.
// [PermittedDifficultyTransition] is Core's header-sync bound on how far bits
// may move between two blocks.
//
// # Issuance
//
// [BlockSubsidy] is Core's GetBlockSubsidy, 50 BTC halved every 210000
// blocks and zero from the 64th halving; [SupplyThrough] sums it in
// O(halvings). Amounts are int64 satoshi.
//
// Network constants (powLimit, timespans, halving interval, whether the
// network retargets) come from btcd's chaincfg/v2 Params; pass
// &chaincfg.MainNetParams for Bitcoin mainnet. Internally, 256-bit values
// use a fixed-size integer that wraps modulo 2^256 like arith_uint256, which
// keeps NextWorkRequired to a single allocation for the simulator's loop.
package consensus
