#include "textflag.h"
#include "go_asm.h"

// The Noda model's draws (noda_draw.go) for four streams at once. Every
// step rounds as the Go code does, so both give the same bits. DX holds
// the *nodaDrawConsts throughout.

// XOSHIRO advances the four xoshiro256++ states in s0…s3 and leaves their
// outputs in out: rotl(s0 + s3, 23) + s0, then the state's linear step.
#define XOSHIRO(s0, s1, s2, s3, out, t) \
	VPADDQ s3, s0, t; \
	VPSLLQ $23, t, out; \
	VPSRLQ $41, t, t; \
	VPOR   t, out, out; \
	VPADDQ s0, out, out; \
	VPSLLQ $17, s1, t; \
	VPXOR  s0, s2, s2; \
	VPXOR  s1, s3, s3; \
	VPXOR  s2, s1, s1; \
	VPXOR  s3, s0, s0; \
	VPXOR  t, s2, s2; \
	VPSLLQ $45, s3, t; \
	VPSRLQ $19, s3, s3; \
	VPOR   t, s3, s3

// UNIT turns the words in w into U = (1.m − 1) + 2^−53 in u.
#define UNIT(w, u) \
	VPSRLQ $12, w, u; \
	VPOR   nodaDrawConsts_expBits(DX), u, u; \
	VSUBPD nodaDrawConsts_one(DX), u, u; \
	VADDPD nodaDrawConsts_halfUlp(DX), u, u

// LOG leaves nodaLog(x) in r; x is kept, k f m s s2 s4 t are scratch.
#define LOG(x, r, k, f, m, s, s2, s4, t) \
	VPSRLQ $52, x, k; \
	VPOR   nodaDrawConsts_kShift(DX), k, k; \
	VSUBPD nodaDrawConsts_kBias(DX), k, k; \
	VPAND  nodaDrawConsts_mantMask(DX), x, f; \
	VPOR   nodaDrawConsts_halfExp(DX), f, f; \
	VCMPPD $1, nodaDrawConsts_sqrtHalf(DX), f, m; \
	VADDPD f, f, t; \
	VBLENDVPD m, t, f, f; \
	VANDPD nodaDrawConsts_one(DX), m, m; \
	VSUBPD m, k, k; \
	VSUBPD nodaDrawConsts_one(DX), f, f; \
	VADDPD nodaDrawConsts_two(DX), f, t; \
	VDIVPD t, f, s; \
	VMULPD s, s, s2; \
	VMULPD s2, s2, s4; \
	VMULPD nodaDrawConsts_l7(DX), s4, t; \
	VADDPD nodaDrawConsts_l5(DX), t, t; \
	VMULPD s4, t, t; \
	VADDPD nodaDrawConsts_l3(DX), t, t; \
	VMULPD s4, t, t; \
	VADDPD nodaDrawConsts_l1(DX), t, t; \
	VMULPD s2, t, t; \
	VMULPD nodaDrawConsts_l6(DX), s4, r; \
	VADDPD nodaDrawConsts_l4(DX), r, r; \
	VMULPD s4, r, r; \
	VADDPD nodaDrawConsts_l2(DX), r, r; \
	VMULPD s4, r, r; \
	VADDPD r, t, t; \
	VMULPD nodaDrawConsts_half(DX), f, r; \
	VMULPD f, r, r; \
	VADDPD t, r, t; \
	VMULPD s, t, t; \
	VMULPD nodaDrawConsts_ln2Lo(DX), k, m; \
	VADDPD m, t, t; \
	VSUBPD t, r, t; \
	VSUBPD f, t, t; \
	VMULPD nodaDrawConsts_ln2Hi(DX), k, m; \
	VSUBPD t, m, r

// func nodaFillExpAVX2(st *nodaStreams4, out *float64, stride, n int, k *nodaDrawConsts)
//
// Y0–Y3 the state; per block: one word, U, −ln U to out.
TEXT ·nodaFillExpAVX2(SB), NOSPLIT, $0-40
	MOVQ st+0(FP), DI
	MOVQ out+8(FP), SI
	MOVQ stride+16(FP), BX
	SHLQ $3, BX
	MOVQ n+24(FP), CX
	MOVQ k+32(FP), DX
	VMOVDQU 0(DI), Y0
	VMOVDQU 32(DI), Y1
	VMOVDQU 64(DI), Y2
	VMOVDQU 96(DI), Y3
	TESTQ CX, CX
	JLE  expdone

exploop:
	XOSHIRO(Y0, Y1, Y2, Y3, Y4, Y5)
	UNIT(Y4, Y5)
	LOG(Y5, Y6, Y7, Y8, Y9, Y10, Y11, Y12, Y13)
	VXORPD nodaDrawConsts_signBit(DX), Y6, Y6 // −ln U
	VMOVUPD Y6, (SI)
	ADDQ BX, SI
	DECQ CX
	JNZ  exploop

expdone:
	VMOVDQU Y0, 0(DI)
	VMOVDQU Y1, 32(DI)
	VMOVDQU Y2, 64(DI)
	VMOVDQU Y3, 96(DI)
	VZEROUPPER
	RET

// func nodaFillGridAVX2(st *nodaStreams4, grid *float64, points int, growth, vol float64, k *nodaDrawConsts)
//
// Y0–Y3 the state, Y15 the four lanes' last price P_{k−1}; per pair of
// grid points: two words, the Box–Muller pair, two steps of the walk.
TEXT ·nodaFillGridAVX2(SB), NOSPLIT, $0-48
	MOVQ st+0(FP), DI
	MOVQ grid+8(FP), SI
	MOVQ points+16(FP), CX
	MOVQ k+40(FP), DX
	VMOVDQU 0(DI), Y0
	VMOVDQU 32(DI), Y1
	VMOVDQU 64(DI), Y2
	VMOVDQU 96(DI), Y3
	VMOVUPD (SI), Y15                         // P_0
	ADDQ $32, SI
	MOVQ $1, AX                               // k

gridloop:
	CMPQ AX, CX
	JGE  griddone
	XOSHIRO(Y0, Y1, Y2, Y3, Y4, Y5)           // w1
	XOSHIRO(Y0, Y1, Y2, Y3, Y12, Y5)          // w2
	UNIT(Y4, Y5)
	LOG(Y5, Y6, Y7, Y8, Y9, Y10, Y11, Y13, Y14)
	VMULPD nodaDrawConsts_minusTwo(DX), Y6, Y6
	VSQRTPD Y6, Y11                           // r = √(−2 ln U₁)

	// sin x, cos x for x = U₂·π/4
	UNIT(Y12, Y4)
	VMULPD nodaDrawConsts_piOver4(DX), Y4, Y4 // x
	VMULPD Y4, Y4, Y5                         // z
	VMULPD nodaDrawConsts_sin0(DX), Y5, Y6
	VADDPD nodaDrawConsts_sin1(DX), Y6, Y6
	VMULPD Y5, Y6, Y6
	VADDPD nodaDrawConsts_sin2(DX), Y6, Y6
	VMULPD Y5, Y6, Y6
	VADDPD nodaDrawConsts_sin3(DX), Y6, Y6
	VMULPD Y5, Y6, Y6
	VADDPD nodaDrawConsts_sin4(DX), Y6, Y6
	VMULPD Y5, Y6, Y6
	VADDPD nodaDrawConsts_sin5(DX), Y6, Y6    // P(z)
	VMULPD nodaDrawConsts_cos0(DX), Y5, Y7
	VADDPD nodaDrawConsts_cos1(DX), Y7, Y7
	VMULPD Y5, Y7, Y7
	VADDPD nodaDrawConsts_cos2(DX), Y7, Y7
	VMULPD Y5, Y7, Y7
	VADDPD nodaDrawConsts_cos3(DX), Y7, Y7
	VMULPD Y5, Y7, Y7
	VADDPD nodaDrawConsts_cos4(DX), Y7, Y7
	VMULPD Y5, Y7, Y7
	VADDPD nodaDrawConsts_cos5(DX), Y7, Y7    // Q(z)
	VMULPD Y5, Y4, Y8                         // x·z
	VMULPD Y6, Y8, Y8
	VADDPD Y8, Y4, Y8                         // sin = x + x·z·P
	VMULPD nodaDrawConsts_half(DX), Y5, Y9
	VMOVUPD nodaDrawConsts_one(DX), Y10
	VSUBPD Y9, Y10, Y10                       // 1 − z/2
	VMULPD Y5, Y5, Y9
	VMULPD Y7, Y9, Y9
	VADDPD Y9, Y10, Y9                        // cos = (1 − z/2) + z²·Q

	// w2's bit 0 swaps cos and sin, bits 1 and 2 negate them.
	VPSLLQ $63, Y12, Y10
	VBLENDVPD Y10, Y8, Y9, Y6                 // a = swap ? sin : cos
	VBLENDVPD Y10, Y9, Y8, Y7                 // b = swap ? cos : sin
	VPSLLQ $62, Y12, Y10
	VPAND nodaDrawConsts_signBit(DX), Y10, Y10
	VXORPD Y10, Y6, Y6
	VPSLLQ $61, Y12, Y10
	VPAND nodaDrawConsts_signBit(DX), Y10, Y10
	VXORPD Y10, Y7, Y7
	VMULPD Y6, Y11, Y6                        // z0 = r·a
	VMULPD Y7, Y11, Y7                        // z1 = r·b

	// P_k = P_{k−1}·(growth + vol·z0), P_{k+1} = P_k·(growth + vol·z1)
	VBROADCASTSD vol+32(FP), Y10
	VMULPD Y10, Y6, Y6
	VMULPD Y10, Y7, Y7
	VBROADCASTSD growth+24(FP), Y10
	VADDPD Y10, Y6, Y6
	VADDPD Y10, Y7, Y7
	VMULPD Y6, Y15, Y15
	VMOVUPD Y15, (SI)
	INCQ AX
	CMPQ AX, CX
	JGE  griddone
	VMULPD Y7, Y15, Y15
	VMOVUPD Y15, 32(SI)
	INCQ AX
	ADDQ $64, SI
	JMP  gridloop

griddone:
	VMOVDQU Y0, 0(DI)
	VMOVDQU Y1, 32(DI)
	VMOVDQU Y2, 64(DI)
	VMOVDQU Y3, 96(DI)
	VZEROUPPER
	RET
