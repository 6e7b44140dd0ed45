/**
 * Multi-domain LoRA for a frozen Vision Transformer (DESIGN.md §5): a shared LoRA trained on every domain and
 * one LoRA per domain (MTLoRA), the shared update held to the column space of each frozen weight and the
 * domain updates to its left null space (Takama et al.), the domain LoRAs pushed apart by L_orth and L_ss,
 * and an optional r x r mixer in each LoRA (MoSLoRA).
 *
 * <p>Entry point: {@link mdlora.lora.MultiDomainLora#attach}, configured by a {@link mdlora.lora.LoraConfig}
 * whose {@link mdlora.lora.Placement} picks the layers. Each adapted layer becomes a
 * {@link mdlora.lora.LoraLinear} holding {@link mdlora.lora.LoraBranch}es; the handle trains, merges, saves
 * (PEFT's adapter layout), analyses and counts them.
 */
package mdlora.lora;
