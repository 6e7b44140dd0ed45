/** A modular application on mdlora: requiring mdlora.lora brings nn, autograd and tensor (and the Vector API) in. */
module example.modular {
    requires mdlora.lora;
    requires mdlora.backbone;
}
