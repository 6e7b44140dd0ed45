/**
 * Multi-domain LoRA for a frozen Vision Transformer: a shared LoRA trained on every domain and one LoRA per
 * domain (MTLoRA, "MTLoRA: A Low-Rank Adaptation Approach for Efficient Multi-Task Learning"),
 * the shared update held to the column space of each frozen weight and the domain updates to its left null
 * space, the domain LoRAs pushed apart by L_orth and L_ss (Takama et al., "Separating Shared and
 * Domain-Specific LoRAs for Multi-Domain Learning"), and an optional r x r mixer in each LoRA (MoSLoRA: Wu et
 * al., "Mixture-of-Subspaces in Low-Rank Adaptation").
 *
 * <h2>The maths, in one notation</h2>
 * A frozen linear layer h = W x + b, W in R^{d x d'} (d out, d' in). A LoRA adds dW = s B A^T with
 * A in R^{d' x r}, B in R^{d x r} and scale s = alpha / r (rsLoRA: alpha / sqrt r).
 * <ul>
 * <li><b>Shared and domain LoRAs.</b> For a row of domain i, h = W x + s B A^T x + s_i B_i A_i^T x: the shared
 *     pair (A, B) trains on every batch, the pair (A_i, B_i) only on domain i's rows. Ranks and scales may
 *     differ per domain, and the scales may train. A {@link mdlora.lora.Placement} says which layers get which
 *     kinds.</li>
 * <li><b>Subspace constraints.</b> Thin SVD W = U S V^T; with C_k = sum_{j&lt;=k} s_j^2 / sum_j s_j^2, k is the
 *     smallest index with C_k >= tau. U_m = U[:, :k] spans the column space, U_n = U[:, k:min(d, d')] the
 *     (truncated) left null space, or optionally all of I - U_m U_m^T; P_m = U_m U_m^T, P_n = U_n U_n^T. Then
 *     h = W x + s P_m B A^T x + s_i P_n B_i A_i^T x, the shared LoRA constrained only in layers that also have
 *     domain LoRAs (in a shared-only layer there is nothing to separate). The projection is never applied per
 *     token: B_eff = U (U^T B) is formed once per step and an ordinary LoRA runs with it; gradients flow through
 *     that product, so the update stays in its subspace whatever the optimiser does
 *     ({@link mdlora.lora.WeightSubspaces}, {@link mdlora.lora.Subspace}).</li>
 * <li><b>Separation losses</b> on the effective B_i of one layer: L_orth = sum_i ||B_i^T B_i - I_r||_F^2 and
 *     L_ss = -(1 / sqrt 2) sum_{i&lt;j} ||B_i B_i^T - B_j B_j^T||_F, added as lambda1 L_orth + lambda2 L_ss (the
 *     paper: lambda1 = 1, lambda2 = 1e-7). Since ||B_i B_i^T - B_j B_j^T||_F^2 = ||B_i^T B_i||^2 +
 *     ||B_j^T B_j||^2 - 2 ||B_i^T B_j||^2, only r x r products are formed ({@link mdlora.lora.SeparationLoss}).</li>
 * <li><b>Initialisation.</b> LoRA's own (A Kaiming uniform, B zero), or Takama et al.'s (both random, B's
 *     columns projected into the LoRA's subspace once) ({@link mdlora.lora.LoraInit}).</li>
 * <li><b>Mixer.</b> dW = s B M A^T with a learnable r x r M, started Kaiming uniform, orthogonal or identity
 *     (identity equals plain LoRA at the start; zero could not train); it composes with the constraints as
 *     B_eff M A^T ({@link mdlora.lora.MixerInit}).</li>
 * <li><b>Merging.</b> For deployment on domain i, W_i = W + s P_m B M A^T + s_i P_n B_i M_i A_i^T, so a
 *     deployed domain costs exactly the frozen model; unmerging restores W to within float rounding.</li>
 * <li><b>Effective dimension.</b> The SVD of each trained dW and its curve C_k for k = 1..r, per layer and
 *     kind ({@link mdlora.lora.EffectiveDimensions}; Takama et al.'s Figure 4).</li>
 * </ul>
 *
 * <p>Entry point: {@link mdlora.lora.MultiDomainLora#attach}, configured by a {@link mdlora.lora.LoraConfig}
 * whose {@link mdlora.lora.Placement} picks the layers of the module it is given, by that module's own paths.
 * Each adapted layer becomes a {@link mdlora.lora.LoraLinear} holding {@link mdlora.lora.LoraBranch}es; the
 * handle trains, merges, saves (PEFT's adapter layout), analyses and counts them. The multi-domain video model
 * that uses them lives in {@code mdlora.lora.video}; this package knows no model but the layers it adapts.
 */
package mdlora.lora;
