#include "textflag.h"
#include "go_asm.h"

// BLOCKTIME leaves nodaBlockTime(y, eI) = eI·(1 + e^y) in b, by the steps
// of noda_exp.go (Tang's table method); R11 holds &expTable[0], Y3–Y9 and
// Y12 are scratch:
//
//	t = y·64/ln2 + shifter,  n = bits(t),  kf = t − shifter
//	r = (y − kf·hi) − kf·lo,  q = r + r²·((1/2 + r/6) + r²·(1/24 + r/120))
//	T = expTable[n&63]·2^k,  k = n>>6
//	b = eI + (eI·T + eI·T·q)
//
// Only the low 12 bits of 1023 + k reach the exponent field of 2^k, and
// they are the same for a logical shift of n as for Go's arithmetic one.
#define BLOCKTIME(y, eI, b) \
	VMULPD nodaChainConsts_expInvStep(DX), y, Y3; \
	VADDPD nodaChainConsts_expShifter(DX), Y3, Y3; \
	VSUBPD nodaChainConsts_expShifter(DX), Y3, Y4; \
	VMULPD nodaChainConsts_expStepHi(DX), Y4, Y5; \
	VSUBPD Y5, y, Y5; \
	VMULPD nodaChainConsts_expStepLo(DX), Y4, Y6; \
	VSUBPD Y6, Y5, Y5; \
	VMULPD Y5, Y5, Y6; \
	VMULPD nodaChainConsts_poly3(DX), Y5, Y7; \
	VADDPD nodaChainConsts_poly2(DX), Y7, Y7; \
	VMULPD nodaChainConsts_poly5(DX), Y5, Y8; \
	VADDPD nodaChainConsts_poly4(DX), Y8, Y8; \
	VMULPD Y8, Y6, Y8; \
	VADDPD Y8, Y7, Y7; \
	VMULPD Y7, Y6, Y7; \
	VADDPD Y7, Y5, Y7; \
	VPAND nodaChainConsts_low6(DX), Y3, Y8; \
	VPCMPEQD Y9, Y9, Y9; \
	VGATHERQPD Y9, (R11)(Y8*8), Y12; \
	VPSRLQ $6, Y3, Y9; \
	VPADDQ nodaChainConsts_bias(DX), Y9, Y9; \
	VPSLLQ $52, Y9, Y9; \
	VMULPD Y9, Y12, Y12; \
	VMULPD Y12, eI, Y12; \
	VMULPD Y7, Y12, Y7; \
	VADDPD Y7, Y12, Y7; \
	VADDPD Y7, eI, b

// func nodaChainAVX2(groups *nodaGroup, ngroups int, k *nodaChainConsts, exps *float64, grid *float64, nblocks int)
//
// nodaChainGo, four lanes to a vector; the comments give its lines. Every
// step rounds as the Go code does (no FMA), so both return the same bits.
//
// Registers: DI groups, SI ngroups, DX k, R8 exps (advances 32 bytes a
// group-block), R9 grid, R10 blocks left, R11 &expTable[0], AX the group,
// CX groups left in this block, Y15 i+1 of the block (float64).
TEXT ·nodaChainAVX2(SB), NOSPLIT, $0-48
	MOVQ groups+0(FP), DI
	MOVQ ngroups+8(FP), SI
	MOVQ k+16(FP), DX
	MOVQ exps+24(FP), R8
	MOVQ grid+32(FP), R9
	MOVQ nblocks+40(FP), R10
	MOVQ nodaChainConsts_table(DX), R11
	VMOVUPD nodaChainConsts_firstBlock(DX), Y15
	TESTQ R10, R10
	JLE  end

block:
	MOVQ DI, AX
	MOVQ SI, CX

group:
	// Y14 = active; a group whose lanes have all finished is skipped.
	VMOVUPD nodaGroup_active(AX), Y14
	VMOVMSKPD Y14, BX
	TESTL BX, BX
	JZ   nextgroup

	VMOVUPD (R8), Y1                          // e
	VMOVUPD nodaGroup_s(AX), Y0               // s
	VMULPD nodaGroup_aw(AX), Y0, Y2           // aw·s
	VMOVUPD nodaChainConsts_c(DX), Y3
	VSUBPD Y2, Y3, Y2                         // y = c − aw·s

	// b = nodaBlockTime(y, e·invUW)
	VMULPD nodaGroup_invUW(AX), Y1, Y10       // eI = e·invUW
	BLOCKTIME(Y2, Y10, Y11)

	// |y| ≥ sigmoidRange: the peer's clip (clip, below).
	VANDPD nodaChainConsts_absMask(DX), Y2, Y3
	VCMPPD $0x15, nodaChainConsts_sigRange(DX), Y3, Y4  // !(|y| < range)
	VMOVMSKPD Y4, BX
	TESTL BX, BX
	JNZ  clip

clipped:
	// elapsed += b; the reported blocks' sums (statsOn) of active lanes.
	VANDPD Y14, Y11, Y12                      // b of active lanes
	VMOVUPD nodaGroup_elapsed(AX), Y13
	VADDPD Y12, Y13, Y13
	VMOVUPD Y13, nodaGroup_elapsed(AX)
	VANDPD nodaChainConsts_statsOn(DX), Y12, Y12
	VADDPD nodaGroup_sum(AX), Y12, Y3
	VMOVUPD Y3, nodaGroup_sum(AX)
	VMULPD Y12, Y12, Y3
	VADDPD nodaGroup_sumSq(AX), Y3, Y3
	VMOVUPD Y3, nodaGroup_sumSq(AX)
	VMAXPD nodaGroup_maxB(AX), Y12, Y3        // b > maxB ? b : maxB
	VMOVUPD Y3, nodaGroup_maxB(AX)

	// A lane whose elapsed time is not below the horizon finishes here.
	VCMPPD $0x15, nodaChainConsts_timeUbd(DX), Y13, Y5  // !(elapsed < timeUbd)
	VANDPD Y14, Y5, Y5                        // newly finished
	VANDNPD Y14, Y5, Y14                      // active &^= finished
	VMOVUPD Y14, nodaGroup_active(AX)
	VMOVMSKPD Y5, BX
	TESTL BX, BX
	JNZ  finish

finished:
	// s = P interpolated at the grid position of elapsed.
	VMULPD nodaChainConsts_invBT(DX), Y13, Y3 // pos = elapsed/b_target
	VMINPD nodaChainConsts_lastLeft(DX), Y3, Y4
	VROUNDPD $3, Y4, Y4                       // left = trunc(min(pos, length−1))
	VSUBPD Y4, Y3, Y3                         // pos − left
	VCVTTPD2DQY Y4, X5
	VPSLLD $2, X5, X5
	VPADDD nodaGroup_gridBase(AX), X5, X5     // lane's P_0 + 4·left
	VPCMPEQD Y6, Y6, Y6
	VGATHERDPD Y6, (R9)(X5*8), Y7             // pl = P_left
	VPCMPEQD Y6, Y6, Y6
	VGATHERDPD Y6, 32(R9)(X5*8), Y8           // P_left+1
	VSUBPD Y7, Y8, Y8
	VMULPD Y3, Y8, Y8
	VADDPD Y8, Y7, Y8                         // pl + (P_left+1 − pl)·(pos − left)
	VBLENDVPD Y14, Y8, Y0, Y0                 // active lanes move on
	VMOVUPD Y0, nodaGroup_s(AX)
	VANDPD Y14, Y11, Y11
	VADDPD nodaGroup_acc(AX), Y11, Y11        // acc += b
	VMOVUPD Y11, nodaGroup_acc(AX)

nextgroup:
	ADDQ $32, R8
	ADDQ $nodaGroup__size, AX
	DECQ CX
	JNZ  group
	VADDPD nodaChainConsts_one(DX), Y15, Y15
	DECQ R10
	JNZ  block

end:
	VZEROUPPER
	RET

clip:
	// b = e/(hash_ubd·σ·W·60), σ = 1e-15 where y ≥ range, 1 − 1e-15 where
	// y ≤ −range, in the lanes of Y4; where y is NaN (a price that left
	// the float64 range), σ is y, as nodaSigmoid(NaN) is NaN.
	VCMPPD $0x1D, nodaChainConsts_sigRange(DX), Y2, Y5  // y ≥ range
	VMOVUPD nodaChainConsts_sigHi(DX), Y6
	VBLENDVPD Y5, nodaChainConsts_sigLo(DX), Y6, Y6
	VCMPPD $3, Y2, Y2, Y5                     // y is NaN
	VBLENDVPD Y5, Y2, Y6, Y6
	VMULPD nodaChainConsts_hashUbd(DX), Y6, Y6
	VMULPD nodaGroup_w(AX), Y6, Y6
	VMULPD nodaChainConsts_sixty(DX), Y6, Y6
	VDIVPD Y6, Y1, Y6
	VBLENDVPD Y4, Y6, Y11, Y11
	JMP  clipped

finish:
	// The lanes of Y5 record i+1, and (statsOn) their last reported block.
	VANDPD nodaChainConsts_statsOn(DX), Y5, Y6
	VMOVUPD nodaGroup_lastS(AX), Y7
	VBLENDVPD Y6, Y0, Y7, Y7
	VMOVUPD Y7, nodaGroup_lastS(AX)
	VMOVUPD nodaGroup_lastW(AX), Y7
	VBLENDVPD Y6, nodaGroup_w(AX), Y7, Y7
	VMOVUPD Y7, nodaGroup_lastW(AX)
	VMOVUPD nodaGroup_simulated(AX), Y7
	VBLENDVPD Y5, Y15, Y7, Y7
	VMOVUPD Y7, nodaGroup_simulated(AX)
	JMP  finished

// func nodaSigmoidSumAVX2(exps *float64, n int, k *nodaChainConsts) float64
//
// Σ e·(1 + e^{1−e}) over n vectors of draws, with the chain's exponential:
// the sigmoid half of nodaFloor. The lanes' sums are added at the end.
TEXT ·nodaSigmoidSumAVX2(SB), NOSPLIT, $0-32
	MOVQ exps+0(FP), SI
	MOVQ n+8(FP), CX
	MOVQ k+16(FP), DX
	MOVQ nodaChainConsts_table(DX), R11
	VXORPD Y15, Y15, Y15
	TESTQ CX, CX
	JLE  sumdone

sumloop:
	VMOVUPD (SI), Y1                          // e
	VMOVUPD nodaChainConsts_one(DX), Y2
	VSUBPD Y1, Y2, Y2                         // y = 1 − e
	BLOCKTIME(Y2, Y1, Y11)                    // e·(1 + e^y)
	VADDPD Y11, Y15, Y15
	ADDQ $32, SI
	DECQ CX
	JNZ  sumloop

sumdone:
	VEXTRACTF128 $1, Y15, X0
	VADDPD X0, X15, X0
	VHADDPD X0, X0, X0
	MOVSD X0, ret+24(FP)
	VZEROUPPER
	RET
