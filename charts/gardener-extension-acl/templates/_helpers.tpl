{{- define "name" -}}
gardener-extension-acl
{{- end -}}

{{- define "labels" -}}
app.kubernetes.io/name: {{ include "name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "leaderelectionid" -}}
gardener-extension-acl-leader-election
{{- end -}}

{{/* image returns the controller image: the imageVectorOverwrite entry named gardener-extension-acl, else .Values.image. */}}
{{- define "image" -}}
{{- $image := printf "%s:%s" .Values.image.repository .Values.image.tag -}}
{{- if .Values.imageVectorOverwrite -}}
{{- range (fromYaml .Values.imageVectorOverwrite).images -}}
{{- if eq .name "gardener-extension-acl" -}}
{{- $image = printf "%s:%s" .repository .tag -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $image -}}
{{- end -}}
